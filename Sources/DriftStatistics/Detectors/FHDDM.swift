import RealModule

/// FHDDM, the Fast Hoeffding Drift Detection Method, with River's defaults.
///
/// Source: A. Pesaranghader, H. L. Viktor, "Fast Hoeffding Drift Detection Method for Evolving Data Streams",
/// ECML PKDD 2016 (and the stacked short window of Pesaranghader, Viktor & Paquet, "Reservoir of diverse adaptive
/// learners and stacking fast hoeffding drift detection methods", Machine Learning 2018); the arithmetic is River
/// 0.26.1's `drift.binary.FHDDM`, reproduced event for event. FHDDM slides a window of `n` outcomes, tracks the
/// highest proportion of successes-as-ones `u_max` seen in a full window, and signals a drift when
/// `u_max − u > ε = √(ln(1/δ) / 2n)`.
///
/// Note River's convention, kept here: the window counts `true` values, and a drift is a *drop* of their
/// proportion. With `true` = error, FHDDM therefore signals a decrease of the error rate; feed `!error`
/// (`true` = correct prediction, the accuracy stream of the paper) to detect rising error rates.
///
/// Assumptions: independent Bernoulli outcomes. No warning zone.
///
/// Memory: the struct (`MemoryLayout<FHDDM>.size`) plus a bit set of ⌈n/64⌉ words allocated once, held in the struct for n ≤ 128: 152 bytes in all
/// at the default n = 100.
/// - Complexity: O(1) per update, no allocation.
public struct FHDDM: BinaryChangeDetector, Codable, Hashable {
    /// Parameters, with River 0.26.1's defaults.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Length `n` of the sliding window (River: `sliding_window_size = 100`).
        public var slidingWindowSize: Int
        /// Confidence δ (River: `confidence_level = 0.000001`).
        public var confidenceLevel: Double
        /// Length of the optional short window, stacked FHDDM (River: `short_window_size = None`).
        public var shortWindowSize: Int?

        /// Creates a configuration; every default is River's.
        public init(slidingWindowSize: Int = 100, confidenceLevel: Double = 0.000_001, shortWindowSize: Int? = nil) {
            self.slidingWindowSize = slidingWindowSize
            self.confidenceLevel = confidenceLevel
            self.shortWindowSize = shortWindowSize
        }

        /// Throws `invalid_parameter` unless `1 ≤ slidingWindowSize ≤ 1_048_576`, δ is in (0, 1) and the short
        /// window, when set, is in `1 ..< slidingWindowSize`.
        public func validate() throws(StatisticsError) {
            guard slidingWindowSize >= 1, slidingWindowSize <= 1 << 20, confidenceLevel > 0, confidenceLevel < 1
            else {
                throw StatisticsError(
                    .invalidParameter,
                    "FHDDM needs a sliding window of 1 to 1048576 events and a confidence level in (0, 1)."
                )
            }
            if let short = shortWindowSize, short < 1 || short >= slidingWindowSize {
                throw StatisticsError(
                    .invalidParameter,
                    "FHDDM needs a short window shorter than the sliding window."
                )
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    @usableFromInline
    internal let epsilon: Double
    @usableFromInline
    internal let shortEpsilon: Double
    @usableFromInline
    internal var bits: [UInt64]
    /// Windows of up to 128 outcomes keep their bits in these two words and leave `bits` empty (no heap, no
    /// uniqueness check per update).
    @usableFromInline
    internal var low: UInt64 = 0
    @usableFromInline
    internal var high: UInt64 = 0
    @usableFromInline
    internal let inline: Bool
    @usableFromInline
    internal var head = 0
    @usableFromInline
    internal var count = 0
    @usableFromInline
    internal var ones = 0
    @usableFromInline
    internal var shortOnes = 0
    @usableFromInline
    internal var maximum: Double = 0
    @usableFromInline
    internal var shortMaximum: Double = 0
    @usableFromInline
    internal var isDrift = false
    /// Whether the last update signalled a drift.
    public var driftDetected: Bool { isDrift }
    /// The highest count of `true` values in a full window: `maximum` is exactly `Double(maximumOnes) / n`, since
    /// `k / n` rounds monotonically in `k`. Derived state, not checkpointed.
    @usableFromInline
    internal var maximumOnes = 0
    /// The largest count `k` for which `maximum − k/n > ε` (−1 if none): the drift test as one integer comparison.
    /// Derived state, not checkpointed.
    @usableFromInline
    internal var driftAtOrBelow = -1

    private enum CodingKeys: String, CodingKey {
        case configuration, epsilon, shortEpsilon, bits, head, count, ones, shortOnes, maximum, shortMaximum, isDrift
    }

    /// Writes the window as ⌈n/64⌉ words whichever way it is held.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(epsilon, forKey: .epsilon)
        try container.encode(shortEpsilon, forKey: .shortEpsilon)
        let words = (configuration.slidingWindowSize + 63) / 64
        try container.encode(inline ? Array([low, high].prefix(words)) : bits, forKey: .bits)
        try container.encode(head, forKey: .head)
        try container.encode(count, forKey: .count)
        try container.encode(ones, forKey: .ones)
        try container.encode(shortOnes, forKey: .shortOnes)
        try container.encode(maximum, forKey: .maximum)
        try container.encode(shortMaximum, forKey: .shortMaximum)
        try container.encode(isDrift, forKey: .isDrift)
    }

    /// Creates a detector with River's defaults.
    public init() {
        self.init(validated: Configuration())
    }

    /// Creates a detector.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration) throws(StatisticsError) {
        try configuration.validate()
        self.init(validated: configuration)
    }

    private init(validated configuration: Configuration) {
        self.configuration = configuration
        let logInverse = Double.log(1 / configuration.confidenceLevel)
        self.epsilon = (logInverse / Double(2 * configuration.slidingWindowSize)).squareRoot()
        if let short = configuration.shortWindowSize {
            self.shortEpsilon = (logInverse / Double(2 * short)).squareRoot()
        } else {
            self.shortEpsilon = 0
        }
        self.inline = configuration.slidingWindowSize <= 128
        self.bits = inline ? [] : [UInt64](repeating: 0, count: (configuration.slidingWindowSize + 63) / 64)
    }

    /// Restores a checkpoint written by `encode(to:)`, rejecting one whose window does not fit its configuration.
    /// - Throws: `DecodingError.dataCorrupted` for an inconsistent checkpoint.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let configuration = try container.decode(Configuration.self, forKey: .configuration)
        self.init(validated: configuration)
        let words = try container.decode([UInt64].self, forKey: .bits)
        head = try container.decode(Int.self, forKey: .head)
        count = try container.decode(Int.self, forKey: .count)
        ones = try container.decode(Int.self, forKey: .ones)
        shortOnes = try container.decode(Int.self, forKey: .shortOnes)
        maximum = try container.decode(Double.self, forKey: .maximum)
        shortMaximum = try container.decode(Double.self, forKey: .shortMaximum)
        isDrift = try container.decode(Bool.self, forKey: .isDrift)
        let size = configuration.slidingWindowSize
        maximumOnes = Int((maximum * Double(size)).rounded())
        driftAtOrBelow = Self.driftThreshold(maximum: maximum, size: size, epsilon: epsilon, from: maximumOnes)
        let consistent =
            (try? configuration.validate()) != nil && words.count == (size + 63) / 64 && (0..<size).contains(head)
            && (0..<size).contains(count) && (0...count).contains(ones) && (0...count).contains(shortOnes)
            && (0...size).contains(maximumOnes) && Double(maximumOnes) / Double(size) == maximum
        guard consistent else {
            throw DecodingError.dataCorruptedError(
                forKey: .bits,
                in: container,
                debugDescription: "FHDDM checkpoint does not match its configuration."
            )
        }
        if inline {
            low = words[0]
            high = words.count > 1 ? words[1] : 0
        } else {
            bits = words
        }
    }

    /// The state after the last update: ``ChangeDetectorState/drift`` or ``ChangeDetectorState/stable``.
    @inlinable
    public var state: ChangeDetectorState { isDrift ? .drift : .stable }

    @inlinable
    @inline(__always)
    internal func word(_ index: Int) -> UInt64 {
        if inline {
            return index == 0 ? low : high
        }
        return bits[index]
    }

    @inlinable
    @inline(__always)
    internal mutating func setWord(_ index: Int, _ value: UInt64) {
        if inline {
            if index == 0 {
                low = value
            } else {
                high = value
            }
        } else {
            bits[index] = value
        }
    }

    @inlinable
    internal func bit(at position: Int) -> Bool {
        word(position >> 6) & (1 << UInt64(position & 63)) != 0
    }

    /// Feeds one outcome; `true` values are counted (see the type's note on River's convention).
    ///
    /// River's test `max(u) − u > ε` with `u = ones/n` depends only on the integer counts, and `k/n` rounds
    /// monotonically in `k`, so it is evaluated as `ones ≤ driftAtOrBelow`, a threshold recomputed with River's
    /// floating-point expression whenever the maximum count rises: same decisions, no division per update.
    /// - Complexity: O(1), no allocation.
    @inlinable
    @discardableResult
    public mutating func update(_ error: Bool) -> ChangeDetectorState {
        if isDrift {
            reset()
        }
        if configuration.shortWindowSize != nil {
            return updateStacked(error)
        }
        let size = configuration.slidingWindowSize
        var tail = head &+ count
        if tail >= size {
            tail &-= size
        }
        let incoming = error ? 1 : 0
        let full = count &+ 1 == size
        let index = tail >> 6
        let shift = UInt64(tail & 63)
        setWord(index, word(index) & ~(1 << shift) | (UInt64(incoming) << shift))
        let leaving = full ? Int(truncatingIfNeeded: word(head >> 6) >> UInt64(head & 63)) & 1 : 0
        ones &+= incoming
        guard full else {
            count &+= 1
            return .stable
        }
        if ones > maximumOnes {
            raiseMaximum(to: ones)
        }
        isDrift = ones <= driftAtOrBelow
        ones &-= leaving
        head &+= 1
        if head == size {
            head = 0
        }
        return isDrift ? .drift : .stable
    }

    /// Records a new highest count and recomputes the drift threshold (River's expression, exactly).
    @usableFromInline
    internal mutating func raiseMaximum(to newOnes: Int) {
        let size = configuration.slidingWindowSize
        maximumOnes = newOnes
        maximum = Double(newOnes) / Double(size)
        driftAtOrBelow = Self.driftThreshold(maximum: maximum, size: size, epsilon: epsilon, from: driftAtOrBelow)
    }

    /// The largest `k` in `-1 ... n` with `maximum − k/n > ε` (River's expression; it falls as `k` grows), found
    /// by stepping from `guess`.
    @usableFromInline
    internal static func driftThreshold(maximum: Double, size: Int, epsilon: Double, from guess: Int) -> Int {
        func drifts(_ k: Int) -> Bool { maximum - Double(k) / Double(size) > epsilon }
        var k = min(max(guess, -1), size)
        while k >= 0 && !drifts(k) {
            k -= 1
        }
        while k < size && drifts(k + 1) {
            k += 1
        }
        return k
    }

    /// The stacked variant (a short window as well), River's arithmetic step by step.
    @usableFromInline
    internal mutating func updateStacked(_ error: Bool) -> ChangeDetectorState {
        let size = configuration.slidingWindowSize
        var tail = head + count
        if tail >= size {
            tail -= size
        }
        let mask: UInt64 = 1 << UInt64(tail & 63)
        setWord(tail >> 6, error ? word(tail >> 6) | mask : word(tail >> 6) & ~mask)
        count += 1
        if error {
            ones += 1
        }
        if let short = configuration.shortWindowSize {
            if error {
                shortOnes += 1
            }
            if count > short {
                var leaving = head + count - 1 - short
                if leaving >= size {
                    leaving -= size
                }
                if bit(at: leaving) {
                    shortOnes -= 1
                }
            }
        }
        guard count == size else {
            return state
        }
        if ones > maximumOnes {
            raiseMaximum(to: ones)
        }
        var shortDrift = false
        if let short = configuration.shortWindowSize {
            let uShort = Double(shortOnes) / Double(short)
            shortMaximum = shortMaximum < uShort ? uShort : shortMaximum
            shortDrift = shortMaximum - uShort > shortEpsilon
        }
        isDrift = ones <= driftAtOrBelow || shortDrift
        if bit(at: head) {
            ones -= 1
        }
        head += 1
        if head == size {
            head = 0
        }
        count -= 1
        return state
    }

    /// Forgets everything observed, keeping the configuration.
    public mutating func reset() {
        for index in bits.indices {
            bits[index] = 0
        }
        low = 0
        high = 0
        head = 0
        count = 0
        ones = 0
        shortOnes = 0
        maximum = 0
        shortMaximum = 0
        isDrift = false
        maximumOnes = 0
        driftAtOrBelow = Self.driftThreshold(
            maximum: 0,
            size: configuration.slidingWindowSize,
            epsilon: epsilon,
            from: -1
        )
    }

    /// Bytes of state: the struct plus the bit set (none for windows of up to 128 outcomes).
    public var memoryFootprint: Int { MemoryLayout<Self>.size + (inline ? 0 : detectorHeapBytes(bits)) }
}
