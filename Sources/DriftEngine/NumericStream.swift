import DriftProtocol
import DriftStatistics

/// The reference of one numeric stream: a sorted sample (at most `reference_sample_size` evenly spaced order
/// statistics), its summary, equal-frequency bins and the missing share.
struct NumericReference: Sendable, Hashable, Codable {
    var sortedSample: [Double]
    var count: Int
    var missing: Int
    var standardDeviation: Double
    var histogram: EqualFrequencyHistogram
    var range: TimeRange

    /// Builds a reference from raw values (NaN = missing); nil when no value is finite.
    init?(values: some Collection<Double>, sampleSize: Int, bins: Int, range: TimeRange, scratch: inout [Double]) {
        scratch.removeAll(keepingCapacity: true)
        var missing = 0
        for v in values {
            if v.isNaN { missing += 1 } else { scratch.append(v) }
        }
        guard !scratch.isEmpty else { return nil }
        scratch.sort()
        self.init(sorted: scratch, missing: missing, sampleSize: sampleSize, bins: bins, range: range)
    }

    /// Builds a reference from sorted finite values.
    init?(sorted: [Double], missing: Int, sampleSize: Int, bins: Int, range: TimeRange) {
        guard !sorted.isEmpty, let histogram = try? EqualFrequencyHistogram(sortedReference: sorted, binCount: bins)
        else { return nil }
        let n = sorted.count
        if n <= sampleSize {
            sortedSample = sorted
        } else {
            sortedSample = (0..<sampleSize).map { i in
                let position = (Double(i) + 0.5) * Double(n) / Double(sampleSize) - 0.5
                return sorted[min(n - 1, max(0, Int(position.rounded(.toNearestOrEven))))]
            }
        }
        var moments = RunningMoments()
        for v in sorted { moments.add(v) }
        standardDeviation = moments.populationStandardDeviation
        count = n
        self.missing = missing
        self.histogram = histogram
        self.range = range
    }

    /// A reference from a baseline summary.
    init?(baseline summary: Baseline.NumericSummary, bins: Int, range: TimeRange) {
        guard
            let histogram = try? EqualFrequencyHistogram(sortedReference: summary.sortedSample, binCount: bins)
        else { return nil }
        sortedSample = summary.sortedSample
        count = summary.count
        missing = summary.missingCount
        standardDeviation = summary.standardDeviation
        self.histogram = histogram
        self.range = range
    }

    var missingRate: Double { count + missing == 0 ? 0 : Double(missing) / Double(count + missing) }
}

/// One numeric stream of a model (a feature or the numeric prediction): the raw values of the ring shared with
/// the model (NaN = missing), the reference, and the first-events collection buffer while it fills.
///
/// Memory: `8·capacity` bytes for the ring plus `8·reference_sample_size` for the reference sample and ~300 bytes
/// of bins (16.3 KB at the defaults); the collection buffer exists only until the reference is frozen.
struct NumericStream: Sendable, Codable {
    let name: String
    var ring: [Double]
    var reference: NumericReference?
    var collecting: [Double] = []
    var collectTarget = 0
    var collectRange = TimeRange(start: .max, end: .min)
    var result: StreamResult?

    init(name: String, capacity: Int) {
        self.name = name
        ring = [Double](repeating: .nan, count: capacity)
    }

    /// Starts collecting the first `count` values as the reference.
    mutating func startCollecting(_ count: Int) {
        reference = nil
        collectTarget = count
        collecting = []
        collecting.reserveCapacity(count)
        collectRange = TimeRange(start: .max, end: .min)
    }

    /// Writes values `column[offset + k·stride]` for `k` in `range` at ring positions from `head`.
    /// - Complexity: O(range), no allocation (the collection buffer is reserved up front).
    @inline(__always)
    mutating func ingest(
        _ column: UnsafeBufferPointer<Double>,
        offset: Int,
        stride: Int,
        range: Range<Int>,
        head: Int
    ) {
        let capacity = ring.count
        ring.withUnsafeMutableBufferPointer { out in
            var pos = head
            var index = range.lowerBound * stride + offset
            for _ in range {
                out[pos] = column[index]
                index += stride
                pos += 1
                if pos == capacity { pos = 0 }
            }
        }
        if collectTarget > 0 {
            let take = min(range.count, collectTarget - collecting.count)
            var index = range.lowerBound * stride + offset
            for _ in 0..<take {
                collecting.append(column[index])
                index += stride
            }
        }
    }

    /// Writes one value (used for the prediction stream).
    @inline(__always)
    mutating func write(_ value: Double, at pos: Int) {
        ring[pos] = value
        if collectTarget > 0 && collecting.count < collectTarget { collecting.append(value) }
    }

    /// Freezes the first-events reference once collection is complete.
    mutating func freezeIfCollected(range: TimeRange, sampleSize: Int, bins: Int, scratch: inout [Double]) {
        guard collectTarget > 0, collecting.count >= collectTarget else { return }
        reference = NumericReference(
            values: collecting,
            sampleSize: sampleSize,
            bins: bins,
            range: range,
            scratch: &scratch
        )
        collecting = []
        collectTarget = 0
        if reference == nil { startCollecting(collectTargetFallback(sampleSize)) }
    }

    private func collectTargetFallback(_ sampleSize: Int) -> Int { max(10, sampleSize) }

    /// Keeps the newest `min(filled, capacity)` values in a ring of a new capacity, aligned to head 0.
    mutating func resize(to capacity: Int, head: Int, filled: Int) {
        ring = Self.reordered(ring, head: head, filled: filled, capacity: capacity, empty: .nan)
    }

    static func reordered<T>(_ ring: [T], head: Int, filled: Int, capacity: Int, empty: T) -> [T] {
        var out = [T](repeating: empty, count: capacity)
        let keep = min(filled, capacity)
        let old = ring.count
        for k in 0..<keep {
            // k-th newest value
            let from = ((head - 1 - k) % old + old) % old
            out[keep - 1 - k] = ring[from]
        }
        return out
    }
}

/// The latest test result of one stream, for snapshots and alert evidence.
public struct StreamResult: Sendable, Hashable, Codable {
    /// The stream name (feature name, or `prediction`).
    public var name: String
    /// `numeric` or `categorical`.
    public var kind: FeatureKind
    /// The test that ran.
    public var test: DriftTest
    /// Its statistic (KS D, chi-square, PSI, normalised Wasserstein or JS distance).
    public var statistic: Double
    /// Its raw p-value, for tests with one.
    public var pValue: Double?
    /// The p-value after the multiple-testing correction.
    public var adjustedPValue: Double?
    /// The effect size that gates the test (normalised Wasserstein for KS, PSI for chi-square; else the statistic).
    public var effectSize: Double
    /// The effect-size threshold for a warning.
    public var effectThreshold: Double
    /// Whether the stream drifted at the last evaluation.
    public var drifted: Bool
    /// Whether the drift is critical.
    public var critical: Bool
    /// Missing share in the current window.
    public var missingRate: Double
    /// Missing share in the reference.
    public var referenceMissingRate: Double
    /// Whether the missing share rose significantly.
    public var missingShift: Bool
    /// p-value of the missing-share test.
    public var missingPValue: Double?
    /// Non-missing values in the current window.
    public var currentCount: Int
    /// Values in the reference.
    public var referenceCount: Int

    enum CodingKeys: String, CodingKey {
        case name, kind, test, statistic
        case pValue = "p_value"
        case adjustedPValue = "adjusted_p_value"
        case effectSize = "effect_size"
        case effectThreshold = "effect_threshold"
        case drifted, critical
        case missingRate = "missing_rate"
        case referenceMissingRate = "reference_missing_rate"
        case missingShift = "missing_shift"
        case missingPValue = "missing_p_value"
        case currentCount = "current_count"
        case referenceCount = "reference_count"
    }
}
