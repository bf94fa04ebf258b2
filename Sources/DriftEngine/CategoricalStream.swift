import DriftProtocol
import DriftStatistics

/// The reference of one categorical stream: counts per vocabulary slot plus the unseen bucket, and missing.
struct CategoricalReference: Sendable, Hashable, Codable {
    /// Counts per code `0..<maxCategories` followed by the unseen bucket.
    var counts: [Double]
    var missing: Int
    var range: TimeRange

    var count: Int { Int(counts.reduce(0, +)) }
    var missingRate: Double { count + missing == 0 ? 0 : Double(missing) / Double(count + missing) }
}

/// One categorical stream (a feature or the class prediction): codes in the ring shared with the model
/// (`0..<maxCategories` for the vocabulary, `maxCategories` for unseen values, `0xFFFF` for missing).
///
/// The vocabulary is learned while the reference is collected (and, for a lagged reference, until the cap); after
/// that new values count in the unseen bucket, which the tests treat as a category of its own. Memory:
/// `2·capacity` bytes of ring, `8·(maxCategories + 1)` of reference counts, plus the vocabulary strings.
struct CategoricalStream: Sendable, Codable {
    static let missingCode: UInt16 = 0xFFFF
    static let unresolved: UInt16 = 0xFFFE

    let name: String
    let maxCategories: Int
    var ring: [UInt16]
    var vocabulary: [String] = []
    var lookup: [String: UInt16] = [:]
    var learning = true
    var reference: CategoricalReference?
    var collecting: [UInt16] = []
    var collectTarget = 0
    var result: StreamResult?

    init(name: String, capacity: Int, maxCategories: Int) {
        self.name = name
        self.maxCategories = maxCategories
        ring = [UInt16](repeating: Self.missingCode, count: capacity)
    }

    var unseenCode: UInt16 { UInt16(maxCategories) }

    /// The code of a value, learning it when allowed.
    mutating func code(for value: String) -> UInt16 {
        if let existing = lookup[value] { return existing }
        guard learning && vocabulary.count < maxCategories else { return unseenCode }
        let code = UInt16(vocabulary.count)
        vocabulary.append(value)
        lookup[value] = code
        return code
    }

    /// Starts collecting the first `count` values as the reference (the vocabulary keeps learning meanwhile).
    mutating func startCollecting(_ count: Int) {
        reference = nil
        learning = true
        collectTarget = count
        collecting = []
        collecting.reserveCapacity(count)
    }

    /// Installs a baseline reference: its categories become the vocabulary (up to the cap), frozen.
    mutating func install(_ summary: Baseline.CategoricalSummary, range: TimeRange) {
        vocabulary = []
        lookup = [:]
        var counts = [Double](repeating: 0, count: maxCategories + 1)
        for (category, count) in zip(summary.categories, summary.counts) {
            if vocabulary.count < maxCategories {
                lookup[category] = UInt16(vocabulary.count)
                vocabulary.append(category)
                counts[vocabulary.count - 1] = Double(count)
            } else {
                counts[maxCategories] += Double(count)
            }
        }
        counts[maxCategories] += Double(summary.otherCount)
        learning = false
        collecting = []
        collectTarget = 0
        reference = CategoricalReference(counts: counts, missing: summary.missingCount, range: range)
        for i in ring.indices where ring[i] != Self.missingCode { ring[i] = unseenCode }
    }

    /// Writes one code at a ring position.
    @inline(__always)
    mutating func write(_ code: UInt16, at pos: Int) {
        ring[pos] = code
        if collectTarget > 0 && collecting.count < collectTarget { collecting.append(code) }
    }

    /// Adds the codes just written at ring positions `head..<head + count` (wrapping) to the reference being
    /// collected, as ``write(_:at:)`` does one code at a time.
    mutating func collect(_ codes: [UInt16], from head: Int, count: Int) {
        guard collectTarget > 0 else { return }
        let take = max(0, min(count, collectTarget - collecting.count))
        var p = head
        for _ in 0..<take {
            collecting.append(codes[p])
            p += 1
            if p == codes.count { p = 0 }
        }
    }

    /// Counts codes into `counts` (length `maxCategories + 1`), returning the missing count.
    func tally(_ codes: some Sequence<UInt16>, into counts: inout [Double]) -> Int {
        var missing = 0
        for code in codes {
            if code == Self.missingCode { missing += 1 } else { counts[Int(code)] += 1 }
        }
        return missing
    }

    /// Freezes the first-events reference once collection is complete; stops learning the vocabulary.
    mutating func freezeIfCollected(range: TimeRange) {
        guard collectTarget > 0, collecting.count >= collectTarget else { return }
        var counts = [Double](repeating: 0, count: maxCategories + 1)
        let missing = tally(collecting, into: &counts)
        reference = CategoricalReference(counts: counts, missing: missing, range: range)
        collecting = []
        collectTarget = 0
        learning = false
    }

    /// Keeps the newest values in a ring of a new capacity.
    mutating func resize(to capacity: Int, head: Int, filled: Int) {
        ring = NumericStream.reordered(ring, head: head, filled: filled, capacity: capacity, empty: Self.missingCode)
    }
}
