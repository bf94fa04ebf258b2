import RealModule

/// ADWIN, adaptive windowing (ADWIN2 with exponential histograms), with River's defaults.
///
/// Source: A. Bifet, R. Gavaldà, "Learning from Time-Changing Data with Adaptive Windowing", SIAM SDM 2007; the
/// arithmetic (bucket compression, the variance-aware cut test and its order of floating-point operations) is River
/// 0.26.1's `drift.ADWIN` (its Rust `AdaptiveWindowing`), reproduced event for event. The window is summarised by
/// buckets of 2ⁱ events, at most `maxBuckets + 1` per size; every `clock` events all cut points are tested and the
/// oldest bucket is dropped while `|μ̂₀ − μ̂₁| > ε_cut`, with
/// `ε_cut = √(2·m·σ̂²·δ′) + ⅔·δ′·m`, `m = 1/(n₀ − ℓ + 1) + 1/(n₁ − ℓ + 1)`, `δ′ = ln(2·ln(W)/δ)`.
///
/// As in River 0.26.1, the detector starts afresh on the update after the one that signalled a drift (its
/// Python wrapper recreates the window), so each alarm is followed by at least `clock` events without one.
///
/// Assumptions: independent values, bounded for the guarantee of the paper (the variance-aware bound is used);
/// detects changes of the mean in both directions. No warning zone.
///
/// Memory: bounded. The buckets live in two arrays of `maxLevels · (maxBuckets + 1)` doubles allocated at
/// initialisation (no allocation per update); at the defaults (32 levels, 5 buckets per level) the whole state is
/// 3,449 bytes. 32 levels hold windows of up to 5·(2³² − 1) events; past that the oldest bucket is dropped, which
/// no stream with fewer than 2·10¹⁰ events since its last drift can reach.
/// - Complexity: O(1) amortised per update; every `clock` events O(log W) per cut test, O(log² W) at worst.
public struct ADWIN: NumericChangeDetector, Codable, Hashable {
    /// Parameters, with River 0.26.1's defaults.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Significance δ of the cut test (River: `delta = 0.002`).
        public var delta: Double
        /// Cut points are tested every `clock` events (River: `clock = 32`).
        public var clock: Int
        /// Buckets of each size kept before two are merged (River: `max_buckets = 5`).
        public var maxBuckets: Int
        /// Minimum length of each sub-window in a cut test (River: `min_window_length = 5`).
        public var minWindowLength: Int
        /// No test before the window holds more than this many events (River: `grace_period = 10`).
        public var gracePeriod: Int
        /// Bucket sizes kept, 2⁰ … 2^(maxLevels−1): the memory bound (driftwatch addition, default 32).
        public var maxLevels: Int

        /// Creates a configuration; every default but `maxLevels` (which River leaves unbounded) is River's.
        public init(
            delta: Double = 0.002,
            clock: Int = 32,
            maxBuckets: Int = 5,
            minWindowLength: Int = 5,
            gracePeriod: Int = 10,
            maxLevels: Int = 32
        ) {
            self.delta = delta
            self.clock = clock
            self.maxBuckets = maxBuckets
            self.minWindowLength = minWindowLength
            self.gracePeriod = gracePeriod
            self.maxLevels = maxLevels
        }

        /// Throws `invalid_parameter` unless δ is in (0, 1), `clock ≥ 1`, `maxBuckets ≥ 2`,
        /// `minWindowLength ≥ 1`, `gracePeriod ≥ 0` and `1 ≤ maxLevels ≤ 62`.
        public func validate() throws(StatisticsError) {
            guard delta > 0, delta < 1, clock >= 1, maxBuckets >= 2, minWindowLength >= 1, gracePeriod >= 0,
                maxLevels >= 1, maxLevels <= 62
            else {
                throw StatisticsError(
                    .invalidParameter,
                    "ADWIN needs delta in (0, 1), clock >= 1, maxBuckets >= 2, minWindowLength >= 1, "
                        + "gracePeriod >= 0 and maxLevels in 1...62."
                )
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    private let slots: Int
    private var totals: [Double]
    private var variances: [Double]
    private var counts: [Int32]
    private var levels = 1
    private var tick = 0
    /// Sum of the values in the window.
    public private(set) var total: Double = 0
    /// Sum of squared deviations from the mean in the window (River's `variance` before division).
    public private(set) var variance: Double = 0
    /// Number of events in the window.
    public private(set) var width: Double = 0
    /// Drifts signalled since the detector was created or last reset by the caller.
    public private(set) var detections = 0
    /// Whether the last update signalled a drift.
    public private(set) var driftDetected = false

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
        self.slots = configuration.maxBuckets + 1
        self.totals = [Double](repeating: 0, count: configuration.maxLevels * slots)
        self.variances = [Double](repeating: 0, count: configuration.maxLevels * slots)
        self.counts = [Int32](repeating: 0, count: configuration.maxLevels)
    }

    /// Restores a checkpoint written by `encode(to:)`, rejecting one whose buckets do not fit its configuration.
    /// - Throws: `DecodingError.dataCorrupted` for an inconsistent checkpoint.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let configuration = try container.decode(Configuration.self, forKey: .configuration)
        self.init(validated: configuration)
        totals = try container.decode([Double].self, forKey: .totals)
        variances = try container.decode([Double].self, forKey: .variances)
        counts = try container.decode([Int32].self, forKey: .counts)
        levels = try container.decode(Int.self, forKey: .levels)
        tick = try container.decode(Int.self, forKey: .tick)
        total = try container.decode(Double.self, forKey: .total)
        variance = try container.decode(Double.self, forKey: .variance)
        width = try container.decode(Double.self, forKey: .width)
        detections = try container.decode(Int.self, forKey: .detections)
        driftDetected = try container.decode(Bool.self, forKey: .driftDetected)
        let consistent =
            (try? configuration.validate()) != nil && totals.count == configuration.maxLevels * slots
            && variances.count == totals.count && counts.count == configuration.maxLevels
            && (1...configuration.maxLevels).contains(levels) && counts.allSatisfy { (0...Int32(slots)).contains($0) }
            && tick >= 0
        guard consistent else {
            throw DecodingError.dataCorruptedError(
                forKey: .totals,
                in: container,
                debugDescription: "ADWIN checkpoint does not match its configuration."
            )
        }
    }

    /// The state after the last update: ``ChangeDetectorState/drift`` or ``ChangeDetectorState/stable``.
    public var state: ChangeDetectorState { driftDetected ? .drift : .stable }

    /// The mean of the window (0 when empty).
    public var estimation: Double { width == 0 ? 0 : total / width }

    /// Feeds one value.
    /// - Complexity: O(1) amortised, no allocation.
    @discardableResult
    public mutating func update(_ value: Double) -> ChangeDetectorState {
        if driftDetected {
            clearWindow()
        }
        // The bucket arrays are moved out of `self` for the update so that they are uniquely referenced locals:
        // the hot loops then work on raw pointers without per-element uniqueness checks.
        var t: [Double] = []
        var v: [Double] = []
        var c: [Int32] = []
        swap(&t, &totals)
        swap(&v, &variances)
        swap(&c, &counts)
        defer {
            swap(&t, &totals)
            swap(&v, &variances)
            swap(&c, &counts)
        }
        let detected = t.withUnsafeMutableBufferPointer { tp in
            v.withUnsafeMutableBufferPointer { vp in
                c.withUnsafeMutableBufferPointer { cp in
                    let buckets = Buckets(totals: tp, variances: vp, counts: cp, slots: slots)
                    insert(value, buckets)
                    return detectChange(buckets)
                }
            }
        }
        driftDetected = detected
        if driftDetected {
            detections += 1
        }
        return state
    }

    /// Forgets everything observed, keeping the configuration.
    public mutating func reset() {
        clearWindow()
        detections = 0
    }

    private mutating func clearWindow() {
        for index in totals.indices {
            totals[index] = 0
            variances[index] = 0
        }
        for index in counts.indices {
            counts[index] = 0
        }
        levels = 1
        tick = 0
        total = 0
        variance = 0
        width = 0
        driftDetected = false
    }

    /// Raw views of the bucket arrays during one update.
    private struct Buckets {
        let totals: UnsafeMutableBufferPointer<Double>
        let variances: UnsafeMutableBufferPointer<Double>
        let counts: UnsafeMutableBufferPointer<Int32>
        let slots: Int

        /// Removes the first `n` buckets of a level, shifting the others down.
        @inline(__always)
        func dropFirst(_ n: Int, ofLevel level: Int) {
            let base = level * slots
            let count = Int(counts[level])
            var index = 0
            while index + n < count {
                totals[base + index] = totals[base + index + n]
                variances[base + index] = variances[base + index + n]
                index += 1
            }
            while index < count {
                totals[base + index] = 0
                variances[base + index] = 0
                index += 1
            }
            counts[level] = Int32(count - n)
        }
    }

    @inline(__always)
    private mutating func insert(_ value: Double, _ buckets: Buckets) {
        let slot = Int(buckets.counts[0])
        buckets.totals[slot] = value
        buckets.variances[slot] = 0
        buckets.counts[0] += 1
        width += 1
        var increment = 0.0
        if width > 1.0 {
            let deviation = value - total / (width - 1.0)
            increment = (width - 1.0) * deviation * deviation / width
        }
        variance += increment
        total += value
        if Int(buckets.counts[0]) == slots {
            compress(buckets)
        }
    }

    private mutating func compress(_ buckets: Buckets) {
        var level = 0
        while Int(buckets.counts[level]) == slots {
            if level == configuration.maxLevels - 1 {
                // The memory bound: the oldest bucket leaves the window instead of being merged upwards.
                deleteOldest(buckets)
                return
            }
            let size = Double(UInt64(1) << UInt64(level))
            let base = level * slots
            let t0 = buckets.totals[base]
            let t1 = buckets.totals[base + 1]
            let mu1 = t0 / size
            let mu2 = t1 / size
            let merged = t0 + t1
            let temp = size * 0.5 * (mu1 - mu2) * (mu1 - mu2)
            let mergedVariance = buckets.variances[base] + buckets.variances[base + 1] + temp
            if level + 1 >= levels {
                levels = level + 2
            }
            let next = (level + 1) * slots + Int(buckets.counts[level + 1])
            buckets.totals[next] = merged
            buckets.variances[next] = mergedVariance
            buckets.counts[level + 1] += 1
            buckets.dropFirst(2, ofLevel: level)
            if Int(buckets.counts[level + 1]) <= configuration.maxBuckets {
                break
            }
            level += 1
        }
    }

    private mutating func deleteOldest(_ buckets: Buckets) {
        let last = levels - 1
        let n = Double(UInt64(1) << UInt64(last))
        let u = buckets.totals[last * slots]
        let v = buckets.variances[last * slots]
        let mu = u / n
        width -= n
        total -= u
        let muWindow = total / width
        let increment = v + n * width * (mu - muWindow) * (mu - muWindow) / (n + width)
        variance -= increment
        buckets.dropFirst(1, ofLevel: last)
        if buckets.counts[last] == 0 && last > 0 {
            levels -= 1
        }
    }

    @inline(__always)
    private mutating func detectChange(_ buckets: Buckets) -> Bool {
        tick += 1
        guard tick % configuration.clock == 0, width > Double(configuration.gracePeriod) else {
            return false
        }
        return scanCuts(buckets)
    }

    private mutating func scanCuts(_ buckets: Buckets) -> Bool {
        var changeDetected = false
        let minLength = Double(configuration.minWindowLength)
        var reduceWidth = true
        while reduceWidth {
            reduceWidth = false
            var n0 = 0.0
            var n1 = width
            var u0 = 0.0
            var u1 = total
            let deltaPrime = Double.log(2.0 * Double.log(width) / configuration.delta)
            let windowVariance = variance / width
            var level = levels - 1
            outer: while level >= 0 {
                let size = Double(UInt64(1) << UInt64(level))
                let count = Int(buckets.counts[level])
                let base = level * slots
                for k in 0..<count {
                    n0 += size
                    n1 -= size
                    let bucketTotal = buckets.totals[base + k]
                    u0 += bucketTotal
                    u1 -= bucketTotal
                    if level == 0 && k == count - 1 {
                        break outer
                    }
                    if n1 >= minLength && n0 >= minLength {
                        let deltaMean = (u0 / n0) - (u1 / n1)
                        let mRecip = 1.0 / (n0 - minLength + 1.0) + 1.0 / (n1 - minLength + 1.0)
                        let epsilon =
                            (2.0 * mRecip * windowVariance * deltaPrime).squareRoot() + 2.0 / 3.0 * deltaPrime * mRecip
                        if abs(deltaMean) > epsilon {
                            reduceWidth = true
                            changeDetected = true
                            if width > 0 {
                                deleteOldest(buckets)
                                break outer
                            }
                        }
                    }
                }
                level -= 1
            }
        }
        return changeDetected
    }

    /// Bytes of state: the struct plus its three bucket arrays.
    public var memoryFootprint: Int {
        MemoryLayout<Self>.size + detectorHeapBytes(totals) + detectorHeapBytes(variances) + detectorHeapBytes(counts)
    }
}
