import RealModule

/// ADWIN, adaptive windowing (ADWIN2 with exponential histograms), with River's defaults.
///
/// Source: A. Bifet, R. Gavaldà, "Learning from Time-Changing Data with Adaptive Windowing", SIAM SDM 2007; the
/// arithmetic (bucket compression and the variance-aware cut test, with its order of floating-point operations) is
/// River 0.26.1's `drift.ADWIN` (its Rust `AdaptiveWindowing`); the window's variance is accumulated per batch with
/// Chan, Golub & LeVeque's pairwise update, equal to River's recurrence but for rounding. The window is summarised by
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
/// Values are recorded and enter the buckets in batches at each clock boundary (only the cut test reads them), and
/// each level, then each split, is screened with multiplications before River's expression decides it. At River's
/// defaults levels 0 to 4 hold fixed counts at every clock boundary once a window is past 256 values; batches then
/// take a path with those counts as constants. See docs/detectors.md for why River's alarms are kept.
///
/// Memory: bounded. The buckets live in one array of `2 · maxLevels · (maxBuckets + 1)` doubles (the buckets, then
/// a two-double screen summary per level), plus the level counts, allocated at initialisation (no allocation per
/// update), and up to 32 recorded values held in the struct itself; at the defaults (32 levels, 5 buckets per
/// level) the whole state is 3,729 bytes. 32 levels hold windows of up to 5·(2³² − 1) events;
/// past that the oldest bucket is dropped, which no stream with fewer than 2·10¹⁰ events since its last drift can
/// reach.
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

    /// Buckets per level: `maxBuckets` (a level that would receive one more first merges its two oldest).
    @usableFromInline
    internal let perLevel: Int
    /// Bucket `k` of level `ℓ` (oldest first) is `buckets[2·(ℓ·perLevel + k)]` (its total) and the next element
    /// (its sum of squared deviations). After the `maxLevels · perLevel` buckets come two doubles per level for the
    /// cut screen (``BucketStore/summary(_:)``): derived state, not compared, hashed or checkpointed.
    @usableFromInline
    internal var buckets: [Double]
    @usableFromInline
    internal var counts: [Int32]
    @usableFromInline
    internal var levels = 1
    /// Updates up to the last settlement (the recorded values since then are `pendingCount` more).
    @usableFromInline
    internal var tick = 0
    /// Values observed since the last clock boundary, not yet in the buckets (at most `batchSize`).
    @usableFromInline
    internal var pending = PendingValues()
    /// Values recorded before they are bucketed: `min(clock, 32)`.
    @usableFromInline
    internal let batchSize: Int
    @usableFromInline
    internal var pendingCount = 0
    /// Updates from the last settlement to the next clock boundary (`clock − tick mod clock`).
    @usableFromInline
    internal var untilBoundary: Int
    /// The number of recorded values at which the next settlement runs: `min(batchSize, untilBoundary)`.
    @usableFromInline
    internal var batchEnd: Int
    @usableFromInline
    internal var settledTotal: Double = 0
    @usableFromInline
    internal var settledVariance: Double = 0
    @usableFromInline
    internal var settledWidth: Double = 0
    /// An upper bound on the sum of the buckets' absolute totals (the sum of |value| bucketed since the window was
    /// last cleared), for the cut screen's rounding margin. Derived state, not checkpointed.
    @usableFromInline
    internal var settledMagnitude: Double = 0
    /// Levels whose screen summary is out of date (bit ℓ for level ℓ): set when a level's buckets change, cleared
    /// when the cut scan recomputes the summary. Derived state, not checkpointed.
    @usableFromInline
    internal var staleSummaries: UInt64 = ~0
    /// The lowest level screened from a summary: levels below it receive buckets at nearly every batch of
    /// `batchSize` values (the lowest of them at every other batch), so their summaries would be recomputed at
    /// nearly every scan, which costs more than their running sums (measured).
    @usableFromInline
    internal let summaryFloor: Int
    /// The window width for which `screenDeltaPrime` was computed (derived state, not checkpointed).
    @usableFromInline
    internal var screenWidth: Double = 0
    /// River's δ′ for `screenWidth`: the cut screen's lower bound on δ′ for windows up to 1/32 wider.
    @usableFromInline
    internal var screenDeltaPrime: Double = 0
    /// Drifts signalled since the detector was created or last reset by the caller.
    public private(set) var detections = 0
    @usableFromInline
    internal var isDrift = false

    /// Whether the last update signalled a drift.
    public var driftDetected: Bool { isDrift }

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
        self.perLevel = configuration.maxBuckets
        self.buckets = [Double](
            repeating: 0,
            count: 2 * configuration.maxLevels * configuration.maxBuckets + 2 * configuration.maxLevels
        )
        self.counts = [Int32](repeating: 0, count: configuration.maxLevels)
        self.batchSize = min(configuration.clock, PendingValues.capacity)
        self.summaryFloor = Int.bitWidth - batchSize.leadingZeroBitCount + 1
        self.untilBoundary = configuration.clock
        self.batchEnd = batchSize
    }

    private enum CodingKeys: String, CodingKey {
        case configuration, totals, variances, counts, levels, tick, total, variance, width, detections, driftDetected
        case pending
    }

    /// Writes the configuration, the buckets (River's layout: `maxBuckets + 1` per level, oldest first), the
    /// statistics of the bucketed window and the values not yet bucketed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let slots = perLevel + 1
        var totals = [Double](repeating: 0, count: configuration.maxLevels * slots)
        var variances = totals
        for level in 0..<configuration.maxLevels {
            for k in 0..<Int(counts[level]) {
                totals[level * slots + k] = buckets[2 * (level * perLevel + k)]
                variances[level * slots + k] = buckets[2 * (level * perLevel + k) + 1]
            }
        }
        try container.encode(configuration, forKey: .configuration)
        try container.encode(totals, forKey: .totals)
        try container.encode(variances, forKey: .variances)
        try container.encode(counts, forKey: .counts)
        try container.encode(levels, forKey: .levels)
        try container.encode(tick + pendingCount, forKey: .tick)
        try container.encode(settledTotal, forKey: .total)
        try container.encode(settledVariance, forKey: .variance)
        try container.encode(settledWidth, forKey: .width)
        try container.encode(detections, forKey: .detections)
        try container.encode(isDrift, forKey: .driftDetected)
        try container.encode((0..<pendingCount).map { pending[$0] }, forKey: .pending)
    }

    /// Restores a checkpoint written by `encode(to:)` (or by earlier versions, which bucketed every value at once),
    /// rejecting one whose buckets do not fit its configuration.
    /// - Throws: `DecodingError.dataCorrupted` for an inconsistent checkpoint.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let configuration = try container.decode(Configuration.self, forKey: .configuration)
        self.init(validated: configuration)
        let totals = try container.decode([Double].self, forKey: .totals)
        let variances = try container.decode([Double].self, forKey: .variances)
        let counts = try container.decode([Int32].self, forKey: .counts)
        levels = try container.decode(Int.self, forKey: .levels)
        tick = try container.decode(Int.self, forKey: .tick)
        settledTotal = try container.decode(Double.self, forKey: .total)
        settledVariance = try container.decode(Double.self, forKey: .variance)
        settledWidth = try container.decode(Double.self, forKey: .width)
        detections = try container.decode(Int.self, forKey: .detections)
        isDrift = try container.decode(Bool.self, forKey: .driftDetected)
        let waiting = try container.decodeIfPresent([Double].self, forKey: .pending) ?? []
        let slots = perLevel + 1
        let consistent =
            (try? configuration.validate()) != nil && totals.count == configuration.maxLevels * slots
            && variances.count == totals.count && counts.count == configuration.maxLevels
            && (1...configuration.maxLevels).contains(levels)
            && counts.allSatisfy { (0...Int32(perLevel)).contains($0) } && tick >= 0 && waiting.count < batchSize
            && waiting.count <= tick % configuration.clock
        guard consistent else {
            throw DecodingError.dataCorruptedError(
                forKey: .totals,
                in: container,
                debugDescription: "ADWIN checkpoint does not match its configuration."
            )
        }
        self.counts = counts
        for level in 0..<configuration.maxLevels {
            for k in 0..<Int(counts[level]) {
                buckets[2 * (level * perLevel + k)] = totals[level * slots + k]
                buckets[2 * (level * perLevel + k) + 1] = variances[level * slots + k]
            }
        }
        for level in 0..<configuration.maxLevels {
            for k in 0..<Int(counts[level]) {
                settledMagnitude += abs(buckets[2 * (level * perLevel + k)])
            }
        }
        for (index, value) in waiting.enumerated() {
            pending[index] = value
        }
        pendingCount = waiting.count
        tick -= waiting.count
        untilBoundary = configuration.clock - tick % configuration.clock
        batchEnd = min(batchSize, untilBoundary)
    }

    /// The state after the last update: ``ChangeDetectorState/drift`` or ``ChangeDetectorState/stable``.
    @inlinable
    public var state: ChangeDetectorState { isDrift ? .drift : .stable }

    /// Sum of the values in the window.
    public var total: Double { windowStatistics().total }
    /// Sum of squared deviations from the mean in the window (River's `variance` before division).
    public var variance: Double { windowStatistics().variance }
    /// Number of events in the window.
    public var width: Double { windowStatistics().width }

    /// The mean of the window (0 when empty).
    public var estimation: Double {
        let window = windowStatistics()
        return window.width == 0 ? 0 : window.total / window.width
    }

    /// The bucketed statistics with the values since the last clock boundary folded in by River's recurrence.
    private func windowStatistics() -> (total: Double, variance: Double, width: Double) {
        var total = settledTotal
        var variance = settledVariance
        var width = settledWidth
        for index in 0..<pendingCount {
            Self.accumulate(pending[index], total: &total, variance: &variance, width: &width)
        }
        return (total, variance, width)
    }

    /// River's update of the window statistics for one value (`AdaptiveWindowing::insert_element`).
    @inline(__always)
    private static func accumulate(_ value: Double, total: inout Double, variance: inout Double, width: inout Double) {
        width += 1
        var increment = 0.0
        if width > 1.0 {
            let deviation = value - total / (width - 1.0)
            increment = (width - 1.0) * deviation * deviation / width
        }
        variance += increment
        total += value
    }

    /// Feeds one value.
    ///
    /// The value is only recorded; every `clock` events (River tests cut points only then) the recorded values are
    /// inserted into the buckets, in order and with River's merge arithmetic, and the cut points are tested. Nothing
    /// but that test reads the buckets, so deferring the insertion changes no result.
    /// - Complexity: O(1) amortised, no allocation.
    @inlinable
    @discardableResult
    public mutating func update(_ value: Double) -> ChangeDetectorState {
        if isDrift {
            clearWindow()
        }
        let index = pendingCount
        pending[index] = value
        pendingCount = index &+ 1
        if pendingCount == batchEnd {
            settle()
            return isDrift ? .drift : .stable
        }
        // Only `settle` signals a drift (one signalled before this update was cleared above).
        return .stable
    }

    /// Forgets everything observed, keeping the configuration.
    public mutating func reset() {
        clearWindow()
        detections = 0
    }

    @usableFromInline
    internal mutating func clearWindow() {
        for index in buckets.indices {
            buckets[index] = 0
        }
        for index in counts.indices {
            counts[index] = 0
        }
        pending = PendingValues()
        pendingCount = 0
        levels = 1
        tick = 0
        untilBoundary = configuration.clock
        batchEnd = batchSize
        settledTotal = 0
        settledVariance = 0
        settledWidth = 0
        settledMagnitude = 0
        staleSummaries = ~0
        isDrift = false
    }

    /// Inserts the recorded values and, at a clock boundary, tests the cut points.
    @usableFromInline
    internal mutating func settle() {
        // The arrays are moved out of `self` so that they are uniquely referenced locals for the raw-pointer loops,
        // and the recorded values are copied out, so that no access to `self` overlaps the loops' own.
        var b: [Double] = []
        var c: [Int32] = []
        swap(&b, &buckets)
        swap(&c, &counts)
        defer {
            swap(&b, &buckets)
            swap(&c, &counts)
        }
        var values = pending
        tick &+= pendingCount
        untilBoundary &-= pendingCount
        let boundary = untilBoundary == 0
        if boundary {
            untilBoundary = configuration.clock
        }
        batchEnd = min(batchSize, untilBoundary)
        let detected = b.withUnsafeMutableBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                values.withUnsafeMutableBufferPointer { vp in
                    let store = BucketStore(buckets: bp, counts: cp, perLevel: perLevel)
                    let arriving = pendingCount
                    accumulate(UnsafePointer(vp.baseAddress.unsafelyUnwrapped), count: arriving)
                    insertPending(UnsafePointer(vp.baseAddress.unsafelyUnwrapped), count: arriving, store)
                    // Slots past `pendingCount` are not part of the state (`==`, `hash` and `encode` ignore them).
                    pendingCount = 0
                    guard boundary, settledWidth > Double(configuration.gracePeriod) else {
                        return false
                    }
                    return scanCuts(store)
                }
            }
        }
        isDrift = detected
        if detected {
            detections += 1
        }
    }

    /// Folds the recorded values into the window statistics: the batch's sum and its sum of squared deviations
    /// from the batch mean, combined with the window's by the pairwise update of Chan, Golub & LeVeque (1979),
    /// `M₂ = M₂,a + M₂,b + (μ̂_b − μ̂_a)² · n_a·n_b / (n_a + n_b)`.
    ///
    /// River applies its recurrence value by value: two dependent divisions per value and two serial chains of
    /// additions, which were a fifth of an update's time. The pairwise update is the same quantity in exact
    /// arithmetic (and no less accurate in floating point); it differs from River's in the last bits only, which
    /// the cut test, a comparison against a bound, does not notice: the golden streams and ADWINEquivalenceTests
    /// hold the alarms to River's. The sums run over eight interleaved accumulators, the lanes of a SIMD vector.
    private mutating func accumulate(_ values: UnsafePointer<Double>, count: Int) {
        guard count > 0 else {
            return
        }
        // Eight accumulators, one per SIMD lane (value 8i + j goes to lane j), so that the chains of dependent
        // additions are four long for a batch of 32.
        let raw = UnsafeRawPointer(values)
        var sums = SIMD8<Double>()
        var magnitudes = SIMD8<Double>()
        var index = 0
        while index &+ 8 <= count {
            let chunk = raw.loadUnaligned(fromByteOffset: index &* 8, as: SIMD8<Double>.self)
            sums += chunk
            magnitudes += Self.magnitudes(chunk)
            index &+= 8
        }
        while index < count {
            sums[0] += values[index]
            magnitudes[0] += abs(values[index])
            index &+= 1
        }
        let batchTotal = Self.laneSum(sums)
        let batchCount = Double(count)
        // A full batch (32 values) multiplies by 1/32 instead of dividing: the same bits (a power of two), without
        // the division's latency in the chain from the sums to the squares.
        let batchMean =
            count == PendingValues.capacity
            ? batchTotal * (1 / Double(PendingValues.capacity)) : batchTotal / batchCount
        var squares = SIMD8<Double>()
        index = 0
        while index &+ 8 <= count {
            let deviations = raw.loadUnaligned(fromByteOffset: index &* 8, as: SIMD8<Double>.self) - batchMean
            squares += deviations * deviations
            index &+= 8
        }
        while index < count {
            let d = values[index] - batchMean
            squares[0] += d * d
            index &+= 1
        }
        let batchSquares = Self.laneSum(squares)
        let width = settledWidth
        if width > 0 {
            let difference = batchMean - settledTotal / width
            settledVariance += batchSquares + difference * difference * (width * batchCount / (width + batchCount))
        } else {
            settledVariance = batchSquares
        }
        settledTotal += batchTotal
        settledWidth = width + batchCount
        settledMagnitude += Self.laneSum(magnitudes)
    }

    /// |x| in each lane: the sign bits cleared (one mask; the standard library's lane-wise operations would test
    /// each lane for NaN).
    @inline(__always)
    private static func magnitudes(_ x: SIMD8<Double>) -> SIMD8<Double> {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt64>.self) & SIMD8(repeating: ~(1 << 63)), to: SIMD8<Double>.self)
    }

    /// The sum of the lanes, pairwise.
    @inline(__always)
    private static func laneSum(_ x: SIMD8<Double>) -> Double {
        ((x[0] + x[1]) + (x[2] + x[3])) + ((x[4] + x[5]) + (x[6] + x[7]))
    }

    /// Raw views of the bucket arrays during one settlement.
    private struct BucketStore {
        let buckets: UnsafeMutableBufferPointer<Double>
        let counts: UnsafeMutableBufferPointer<Int32>
        let perLevel: Int

        /// The first bucket of a level: `level[2k]` is the total of bucket `k`, `level[2k + 1]` its variance.
        @inline(__always)
        func level(_ level: Int) -> UnsafeMutablePointer<Double> {
            buckets.baseAddress.unsafelyUnwrapped + 2 &* level &* perLevel
        }

        /// A level's screen summary: `[0]` the sum of its bucket totals, `[1]` the largest |running sum of
        /// (total − size · the level's own mean)| over its buckets (see `scanCuts`). Stored after every level's
        /// buckets.
        @inline(__always)
        func summary(_ level: Int) -> UnsafeMutablePointer<Double> {
            buckets.baseAddress.unsafelyUnwrapped + (buckets.count &- 2 &* (counts.count &- level))
        }

        @inline(__always)
        func total(_ level: Int, _ k: Int) -> Double { buckets[2 * (level * perLevel + k)] }

        @inline(__always)
        func variance(_ level: Int, _ k: Int) -> Double { buckets[2 * (level * perLevel + k) + 1] }

        /// Removes the first `n` buckets of a level, moving the others down.
        @inline(__always)
        func dropFirst(_ n: Int, ofLevel level: Int) {
            let base = 2 * level * perLevel
            let count = Int(counts[level])
            var index = 0
            while index + n < count {
                buckets[base + 2 * index] = buckets[base + 2 * (index + n)]
                buckets[base + 2 * index + 1] = buckets[base + 2 * (index + n) + 1]
                index += 1
            }
            while index < count {
                buckets[base + 2 * index] = 0
                buckets[base + 2 * index + 1] = 0
                index += 1
            }
            counts[level] = Int32(count - n)
        }
    }

    /// Adds the pending values as one-event buckets, as River's `insert_element` does one at a time.
    ///
    /// River appends each bucket to level 0 and, whenever a level holds `maxBuckets + 1` buckets, merges its two
    /// oldest into the next level. Per level, that turns the sequence `existing buckets + arriving buckets` into
    /// merged pairs taken from the front of the sequence (as many as needed to leave at most `maxBuckets`) while the
    /// rest stays; the next level receives the merged pairs in order. Applying this level by level to a batch
    /// gives the same buckets and the same floating-point operations as River's event-by-event order. The
    /// sequence is never materialised: pairs are read where they lie (existing buckets, then arriving ones) and
    /// the merged pairs go to a small scratch buffer that the next level reads. At the level cap the window's
    /// oldest buckets leave instead of merging upwards (River has no cap).
    @inline(__always)
    private mutating func insertPending(_ values: UnsafePointer<Double>, count: Int, _ store: BucketStore) {
        guard count > 0 else {
            return
        }
        // A level receiving `a` buckets passes on at most (a + 1) / 2 merged pairs (it keeps up to maxBuckets):
        // at most 16 pairs, 32 doubles, leave level 0.
        let carryDoubles = PendingValues.capacity
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 &* carryDoubles) { scratch in
            let base = scratch.baseAddress.unsafelyUnwrapped
            var incoming = base
            var outgoing = base + carryDoubles
            var arriving: Int
            var level: Int
            if isSteady(batch: count, store) {
                arriving = insertSteadyBatch(values, scratch: outgoing, incoming, store)
                level = Self.steadyLevels
            } else {
                arriving = mergeValues(values, count: count, into: outgoing, store)
                level = 1
            }
            var touched = level &- 1
            // 0.5 / 2^level for the merges of level `level`.
            var halfInverse = 0.5 / Double(1 &<< level)
            while arriving > 0 {
                swap(&incoming, &outgoing)
                touched = level
                if arriving == 1 && level < configuration.maxLevels - 1 {
                    touched = carry(incoming, into: level, halfInverse: halfInverse, store)
                    break
                }
                if level == configuration.maxLevels - 1 {
                    let arrivingPairs = UnsafePointer(incoming)
                    capLevel(level, count: arriving, store) { j in (arrivingPairs[2 * j], arrivingPairs[2 * j + 1]) }
                    break
                }
                arriving = mergeLevel(
                    level,
                    halfInverse: halfInverse,
                    incoming,
                    count: arriving,
                    into: outgoing,
                    store
                )
                level &+= 1
                halfInverse *= 0.5
            }
            // Levels 0 ... touched changed (bit patterns up to 63 levels; maxLevels ≤ 62).
            staleSummaries |= (UInt64(2) &<< UInt64(touched)) &- 1
        }
    }

    /// Adds one bucket to a level above 0 and below the cap, as River does: a full level merges its two oldest and
    /// passes the result up, and so on. The same buckets and operations as `mergeLevel` with one arrival, in place
    /// and without the scratch buffers: after a steady batch (`insertSteadyBatch`) every level from 5 up receives
    /// at most one bucket. Returns the highest level changed.
    private mutating func carry(
        _ bucket: UnsafePointer<Double>,
        into first: Int,
        halfInverse firstHalfInverse: Double,
        _ store: BucketStore
    ) -> Int {
        var total = bucket[0]
        var variance = bucket[1]
        var level = first
        var halfInverse = firstHalfInverse
        while true {
            if level == configuration.maxLevels - 1 {
                capLevel(level, count: 1, store) { _ in (total, variance) }
                return level
            }
            let existing = store.level(level)
            let e = Int(store.counts[level])
            if e < perLevel {
                existing[2 &* e] = total
                existing[2 &* e &+ 1] = variance
                store.counts[level] = Int32(e &+ 1)
                return level
            }
            // A full level: its two oldest merge and leave; the others move down and the arrival goes last.
            let merged = Self.merged(existing, existing + 2, halfInverse: halfInverse)
            var slot = 0
            while slot &+ 2 < e {
                existing[2 &* slot] = existing[2 &* (slot &+ 2)]
                existing[2 &* slot &+ 1] = existing[2 &* (slot &+ 2) &+ 1]
                slot &+= 1
            }
            existing[2 &* slot] = total
            existing[2 &* slot &+ 1] = variance
            // The slot no longer used is cleared, so that equal windows have equal arrays.
            existing[2 &* (slot &+ 1)] = 0
            existing[2 &* (slot &+ 1) &+ 1] = 0
            store.counts[level] = Int32(e &- 1)
            if level &+ 1 >= levels {
                levels = level &+ 2
            }
            (total, variance) = merged
            level &+= 1
            halfInverse *= 0.5
        }
    }

    /// River's merge of two buckets of size `size` (`AdaptiveWindowing::compress_buckets`): the total is the sum,
    /// the variance `v₀ + v₁ + size/2 · (μ₀ − μ₁)²` with `μᵢ = totalᵢ / size`. Since `1/size` is a power of two,
    /// River's `size·0.5·(t₀/size − t₁/size)²` equals `(t₀ − t₁)² · (0.5/size)` bit for bit (scaling by a power of
    /// two commutes with rounding), which is what is computed: one subtraction and two multiplications.
    @inline(__always)
    private static func merge(
        _ first: UnsafePointer<Double>,
        _ second: UnsafePointer<Double>,
        halfInverse: Double,
        into merged: UnsafeMutablePointer<Double>
    ) {
        (merged[0], merged[1]) = self.merged(first, second, halfInverse: halfInverse)
    }

    /// `merge(_:_:halfInverse:into:)`, returning the merged bucket.
    @inline(__always)
    private static func merged(
        _ first: UnsafePointer<Double>,
        _ second: UnsafePointer<Double>,
        halfInverse: Double
    ) -> (total: Double, variance: Double) {
        let t0 = first[0]
        let t1 = second[0]
        let difference = t0 - t1
        return (t0 + t1, first[1] + second[1] + difference * difference * halfInverse)
    }

    /// Moves what a level keeps to its front, oldest first: existing buckets from `from` on, then the arriving
    /// ones from `max(from − existing, 0)` on (`arrivingBucket(j)` is the `j`-th arriving bucket); clears the slots
    /// it no longer uses and returns the new count.
    @inline(__always)
    private static func keep(
        _ existing: UnsafeMutablePointer<Double>,
        count e: Int,
        arriving: Int,
        from first: Int,
        arrivingBucket: (Int) -> (Double, Double)
    ) -> Int {
        if first == 0 {
            // Nothing merged: the arriving buckets go after the existing ones, which stay where they are.
            var j = 0
            while j < arriving {
                let (total, variance) = arrivingBucket(j)
                existing[2 &* (e &+ j)] = total
                existing[2 &* (e &+ j) &+ 1] = variance
                j &+= 1
            }
            return e &+ arriving
        }
        var slot = 0
        var source = first
        while source < e {
            existing[2 &* slot] = existing[2 &* source]
            existing[2 &* slot &+ 1] = existing[2 &* source &+ 1]
            slot &+= 1
            source &+= 1
        }
        source = source &- e
        while source < arriving {
            let (total, variance) = arrivingBucket(source)
            existing[2 &* slot] = total
            existing[2 &* slot &+ 1] = variance
            slot &+= 1
            source &+= 1
        }
        var unused = slot
        while unused < e {
            existing[2 &* unused] = 0
            existing[2 &* unused &+ 1] = 0
            unused &+= 1
        }
        return slot
    }

    /// Level 0: the existing one-event buckets followed by the recorded values (one-event buckets of variance 0).
    /// Returns the number of merged pairs written to `merged`.
    private mutating func mergeValues(
        _ values: UnsafePointer<Double>,
        count arriving: Int,
        into merged: UnsafeMutablePointer<Double>,
        _ store: BucketStore
    ) -> Int {
        if configuration.maxLevels == 1 {
            capLevel(0, count: arriving, store) { j in (values[j], 0) }
            return 0
        }
        let (merges, kept) = Self.mergeSingles(
            store.level(0),
            count: Int(store.counts[0]),
            values,
            count: arriving,
            perLevel: perLevel,
            into: merged
        )
        store.counts[0] = Int32(kept)
        if merges > 0 && levels < 2 {
            levels = 2
        }
        return merges
    }

    /// River's level 0 for the sequence `e` existing one-event buckets + `arriving` values: merges pairs from its
    /// front into `merged` until at most `perLevel` are left, which the level keeps. Returns both counts.
    @inline(__always)
    private static func mergeSingles(
        _ existing: UnsafeMutablePointer<Double>,
        count e: Int,
        _ values: UnsafePointer<Double>,
        count arriving: Int,
        perLevel: Int,
        into merged: UnsafeMutablePointer<Double>
    ) -> (merges: Int, kept: Int) {
        let all = e &+ arriving
        let merges = all > perLevel ? (all &- perLevel &+ 1) >> 1 : 0
        var p = 0
        while p < merges && 2 &* p &+ 1 < e {
            merge(existing + 4 &* p, existing + (4 &* p &+ 2), halfInverse: 0.5, into: merged + 2 &* p)
            p &+= 1
        }
        if p < merges && 2 &* p < e {
            // The last existing bucket with the first value.
            let t0 = existing[4 &* p]
            let t1 = values[0]
            let temp = 1 * 0.5 * (t0 - t1) * (t0 - t1)
            merged[2 &* p] = t0 + t1
            merged[2 &* p &+ 1] = existing[4 &* p &+ 1] + 0 + temp
            p &+= 1
        }
        // Two values: River's `v₀ + v₁ + temp` is (+0 + +0) + temp, which is `temp` (never −0).
        var first = values + (2 &* p &- e)
        var out = merged + 2 &* p
        let end = merged + 2 &* merges
        while out < end {
            let t0 = first[0]
            let t1 = first[1]
            out[0] = t0 + t1
            out[1] = 0.5 * (t0 - t1) * (t0 - t1)
            first += 2
            out += 2
        }
        let kept = keep(existing, count: e, arriving: arriving, from: 2 &* merges) { j in (values[j], 0) }
        return (merges, kept)
    }

    /// A level above 0 and below the cap: its existing buckets followed by the `arriving` pairs merged below.
    /// Returns the number of merged pairs written to `merged`.
    private mutating func mergeLevel(
        _ level: Int,
        halfInverse: Double,
        _ incoming: UnsafeMutablePointer<Double>,
        count arriving: Int,
        into merged: UnsafeMutablePointer<Double>,
        _ store: BucketStore
    ) -> Int {
        let (merges, kept) = Self.mergeBuckets(
            store.level(level),
            count: Int(store.counts[level]),
            incoming,
            count: arriving,
            perLevel: perLevel,
            halfInverse: halfInverse,
            into: merged
        )
        store.counts[level] = Int32(kept)
        if merges > 0 && level &+ 1 >= levels {
            levels = level &+ 2
        }
        return merges
    }

    /// River's merges on a level above 0 for the sequence `e` existing buckets + `arriving` ones: pairs from its
    /// front go to `merged` until at most `perLevel` are left, which the level keeps. Returns both counts.
    ///
    /// Pairs are read where they lie (two existing buckets, the last existing one with the first arrival, or two
    /// arrivals), like `mergeSingles`: copying the existing buckets in front of the arrivals first would make the
    /// run contiguous, but the merges would then read back halves of the wide stores just made, which stalls.
    @inline(__always)
    private static func mergeBuckets(
        _ existing: UnsafeMutablePointer<Double>,
        count e: Int,
        _ incoming: UnsafePointer<Double>,
        count arriving: Int,
        perLevel: Int,
        halfInverse: Double,
        into merged: UnsafeMutablePointer<Double>
    ) -> (merges: Int, kept: Int) {
        let all = e &+ arriving
        let merges = all > perLevel ? (all &- perLevel &+ 1) >> 1 : 0
        var p = 0
        while p < merges && 2 &* p &+ 1 < e {
            merge(existing + 4 &* p, existing + (4 &* p &+ 2), halfInverse: halfInverse, into: merged + 2 &* p)
            p &+= 1
        }
        if p < merges && 2 &* p < e {
            merge(existing + 4 &* p, incoming, halfInverse: halfInverse, into: merged + 2 &* p)
            p &+= 1
        }
        while p < merges {
            let first = 2 &* p &- e
            merge(incoming + 2 &* first, incoming + (2 &* first &+ 2), halfInverse: halfInverse, into: merged + 2 &* p)
            p &+= 1
        }
        let kept = keep(existing, count: e, arriving: arriving, from: 2 &* merges) { j in
            (incoming[2 &* j], incoming[2 &* j &+ 1])
        }
        return (merges, kept)
    }

    /// `mergeBuckets` for a level of `insertSteadyBatch`, with its counts as constants.
    @inline(__always)
    private static func mergeSteadyLevel(
        _ level: Int,
        holding existing: Int,
        _ store: BucketStore,
        receiving arriving: Int,
        from incoming: UnsafeMutablePointer<Double>,
        into merged: UnsafeMutablePointer<Double>
    ) {
        _ = mergeBuckets(
            store.level(level),
            count: existing,
            incoming,
            count: arriving,
            perLevel: 5,
            halfInverse: 0.5 / Double(1 &<< level),
            into: merged
        )
    }

    /// Levels below this one are filled by `insertSteadyBatch` when `isSteady(batch:_:)` holds.
    private static var steadyLevels: Int { 5 }

    /// Whether a batch finds the low levels in their steady state at River's defaults: 32 values (a whole clock),
    /// 5 buckets per level, and levels 0 to 4 holding 4, 4, 5, 4 and 4 buckets.
    ///
    /// River's bucket counts follow from the number of values inserted alone (only a cut removes buckets, and only
    /// from the oldest level): level ℓ repeats with a period of 2^(ℓ+1) values once it first merges, so at every
    /// clock boundary past the first 256 values of a window levels 0 to 4 hold exactly these counts, before and
    /// after the batch, and level 5 receives one bucket: a whole earlier batch of 32.
    @inline(__always)
    private func isSteady(batch count: Int, _ store: BucketStore) -> Bool {
        count == 32 && isSteady(store)
    }

    /// Whether levels 0 to 4 hold their steady counts (see `isSteady(batch:_:)`).
    @inline(__always)
    private func isSteady(_ store: BucketStore) -> Bool {
        perLevel == 5 && configuration.maxLevels > Self.steadyLevels && store.counts[0] == 4 && store.counts[1] == 4
            && store.counts[2] == 5 && store.counts[3] == 4 && store.counts[4] == 4
    }

    /// Inserts a batch into levels 0 to 4 in their steady state (`isSteady(batch:_:)`): the same merges as
    /// `mergeValues` and `mergeLevel`, with the counts known, so that the compiler unrolls the merges and copies
    /// of each level. Writes the one bucket for level 5 to `scratch` (`spare` is the other buffer the levels
    /// alternate through) and returns 1.
    private mutating func insertSteadyBatch(
        _ values: UnsafePointer<Double>,
        scratch: UnsafeMutablePointer<Double>,
        _ spare: UnsafeMutablePointer<Double>,
        _ store: BucketStore
    ) -> Int {
        // Each level's merges feed the next one's arrivals, alternating between the two buffers.
        _ = Self.mergeSingles(store.level(0), count: 4, values, count: 32, perLevel: 5, into: scratch)
        Self.mergeSteadyLevel(1, holding: 4, store, receiving: 16, from: scratch, into: spare)
        Self.mergeSteadyLevel(2, holding: 5, store, receiving: 8, from: spare, into: scratch)
        Self.mergeSteadyLevel(3, holding: 4, store, receiving: 4, from: scratch, into: spare)
        Self.mergeSteadyLevel(4, holding: 4, store, receiving: 2, from: spare, into: scratch)
        levels = max(levels, Self.steadyLevels &+ 1)
        return 1
    }

    /// The top level (`maxLevels − 1`, the memory bound): each bucket beyond `maxBuckets` removes the oldest from
    /// the window instead of merging. `arrivingBucket(j)` is the `j`-th arriving (total, variance).
    private mutating func capLevel(
        _ level: Int,
        count arriving: Int,
        _ store: BucketStore,
        arrivingBucket: (Int) -> (Double, Double)
    ) {
        let existing = store.level(level)
        let e = Int(store.counts[level])
        let all = e + arriving
        let excess = all > perLevel ? all - perLevel : 0
        for j in 0..<excess {
            let (total, variance) = j < e ? (existing[2 * j], existing[2 * j + 1]) : arrivingBucket(j - e)
            removeFromWindow(total: total, variance: variance, level: level)
        }
        store.counts[level] = Int32(
            Self.keep(existing, count: e, arriving: arriving, from: excess, arrivingBucket: arrivingBucket)
        )
    }

    /// River's `delete_element` arithmetic for the oldest bucket (`total`, `variance`) of the top level.
    private mutating func removeFromWindow(total u: Double, variance v: Double, level: Int) {
        let n = Double(UInt64(1) << UInt64(level))
        let mu = u / n
        settledWidth -= n
        settledTotal -= u
        let muWindow = settledTotal / settledWidth
        let increment = v + n * settledWidth * (mu - muWindow) * (mu - muWindow) / (n + settledWidth)
        settledVariance -= increment
    }

    private mutating func deleteOldest(_ store: BucketStore) {
        let last = levels - 1
        staleSummaries |= UInt64(1) &<< UInt64(last)
        removeFromWindow(total: store.total(last, 0), variance: store.variance(last, 0), level: last)
        store.dropFirst(1, ofLevel: last)
        if store.counts[last] == 0 && last > 0 {
            levels -= 1
        }
    }

    /// River's δ′ = ln(2·ln(W)/δ) for a window of `width` events.
    @inline(__always)
    private func deltaPrime(_ width: Double) -> Double {
        Double.log(2.0 * Double.log(width) / configuration.delta)
    }

    /// River's partial sums for a split after bucket `k` of `level`: `u₀`, the bucket totals added one by one from
    /// the oldest, and `u₁`, the window total minus the same totals subtracted one by one, as River's scan has them.
    private func riverSums(_ store: BucketStore, level splitLevel: Int, bucket splitBucket: Int) -> (Double, Double) {
        var u0 = 0.0
        var u1 = settledTotal
        var level = levels - 1
        while level >= splitLevel {
            let totals = store.level(level)
            let last = level == splitLevel ? splitBucket : Int(store.counts[level]) - 1
            var k = 0
            while k <= last {
                u0 += totals[2 * k]
                u1 -= totals[2 * k]
                k += 1
            }
            level -= 1
        }
        return (u0, u1)
    }

    /// A level's screen summary (``BucketStore/summary(_:)``): the sum of its `count` bucket totals and the largest
    /// |running sum of (total − size·m)|, with m the level's mean per event.
    private static func summarise(
        _ totals: UnsafeMutablePointer<Double>,
        count: Int,
        into summary: UnsafeMutablePointer<Double>
    ) {
        var sum = 0.0
        var k = 0
        while k < count {
            sum += totals[2 &* k]
            k &+= 1
        }
        summary[0] = sum
        summary[1] = largestExcursion(totals, count: count, step: sum / Double(count), from: 0).largest
    }

    /// `start` plus the running sums of (total − `step`) over a level's `count` buckets: the largest magnitude and
    /// the last value.
    @inline(__always)
    private static func largestExcursion(
        _ totals: UnsafeMutablePointer<Double>,
        count: Int,
        step: Double,
        from start: Double
    ) -> (largest: Double, end: Double) {
        var run = start
        var largest = 0.0
        var k = 0
        while k < count {
            run += totals[2 &* k] - step
            let magnitude = abs(run)
            largest = magnitude > largest ? magnitude : largest
            k &+= 1
        }
        return (largest, run)
    }

    /// Whether levels 4 to 0 in their steady state (`isSteady(_:)`) pass the level screen of `scanCuts`, each
    /// judged at once from its running sums: with the counts known, the screen of these five levels, which change
    /// at every batch, compiles to straight-line code. When one does not pass, they are taken again one by one.
    @inline(__always)
    private static func steadyLevelsPass(
        _ store: BucketStore,
        _ screen: CutScreen,
        bridge start: Double,
        n0Events: Int
    ) -> Bool {
        var bridge = start
        var n0 = Double(n0Events)
        // (The last bucket of level 0 is not a split.)
        return levelPasses(store.level(4), splits: 4, size: 16, screen, &bridge, &n0)
            && levelPasses(store.level(3), splits: 4, size: 8, screen, &bridge, &n0)
            && levelPasses(store.level(2), splits: 5, size: 4, screen, &bridge, &n0)
            && levelPasses(store.level(1), splits: 4, size: 2, screen, &bridge, &n0)
            && levelPasses(store.level(0), splits: 3, size: 1, screen, &bridge, &n0)
    }

    /// The level screen for a level's first `count` buckets of `size` events, from the running sums of
    /// (total − size·μ̂): whether every split passes. Advances `bridge` (D/W) and `n0` (events before) past the
    /// level.
    @inline(__always)
    private static func levelPasses(
        _ totals: UnsafeMutablePointer<Double>,
        splits count: Int,
        size: Double,
        _ screen: CutScreen,
        _ bridge: inout Double,
        _ n0: inout Double
    ) -> Bool {
        let (peak, end) = largestExcursion(totals, count: count, step: size * screen.mean, from: bridge)
        let firstN0 = n0 + size
        let lastN0 = n0 + Double(count) * size
        bridge = end
        n0 = lastN0
        return screen.passes(peak: peak, firstN0: firstN0, lastN0: lastN0)
    }

    /// The constants of one pass of the cut screen (see `scanCuts`), in units of D/W: a split is passed over when
    /// `b·|b| < square·n₀n₁` with `b = |D/W| + offset`, which holds exactly when `b < 0`, or `b ≥ 0` and
    /// `b² < square·n₀n₁` (never for NaN). With the screen off, `offset` = +∞ and `square` = 0 send every split to
    /// River's expression.
    private struct CutScreen {
        /// W, the window's width.
        let width: Double
        /// μ̂, the window's mean.
        let mean: Double
        let offset: Double
        let square: Double

        /// Whether a split with `n0` events before it and D/W = `deviation` is passed over.
        @inline(__always)
        func passes(deviation: Double, n0: Double) -> Bool {
            let bound = abs(deviation) + offset
            return bound * abs(bound) < square * (n0 * (width - n0))
        }

        /// Whether every split of a level passes, its first and last having `firstN0` and `lastN0` events before
        /// them and each a |D/W| of at most `peak`: n₀·n₁ is concave in n₀, so on the level it is at least its
        /// smaller value at the first and last split.
        @inline(__always)
        func passes(peak: Double, firstN0: Double, lastN0: Double) -> Bool {
            let firstProduct = firstN0 * (width - firstN0)
            let lastProduct = lastN0 * (width - lastN0)
            let bound = peak + offset
            return bound * abs(bound) < square * (firstProduct < lastProduct ? firstProduct : lastProduct)
        }
    }

    /// Where a pass of the cut scan stands: before the buckets of `level` (the scan ends below level 0), with D/W
    /// `bridge` and `n0Events` events before them.
    private struct ScanPosition {
        var level: Int
        var bridge: Double
        var n0Events: Int
    }

    /// Moves `position` past every level whose splits all pass the screen, judged at once per level, and stops at
    /// the first that does not (or past level 0). Kept apart from the split-by-split test, which rarely runs, so
    /// that this loop keeps its few variables in registers.
    ///
    /// A level's splits have D/W = `bridge` plus the running sums of (total − size·μ̂) over its buckets. For the
    /// levels that receive buckets at nearly every batch (below `summaryFloor`) the running sums themselves give
    /// the largest |D/W|. For the others, which rarely change, a summary bounds it: each running sum of
    /// (total − size·μ̂) is a running sum of (total − size·m), at most the summary's spread (m the level's own mean
    /// per event), plus a multiple of size·(m − μ̂), at most the level's total against its share of the window
    /// mean. The summary depends on the level's buckets only, so it is recomputed only when they changed since the
    /// last scan.
    private mutating func skipScreenedLevels(
        _ store: BucketStore,
        _ screen: CutScreen,
        _ position: inout ScanPosition
    ) {
        var level = position.level
        var bridge = position.bridge
        var n0Events = position.n0Events
        var stale = staleSummaries
        defer {
            position = ScanPosition(level: level, bridge: bridge, n0Events: n0Events)
            staleSummaries = stale
        }
        // The levels that rarely change, from their summaries (summaryFloor ≥ 1, so level 0 is not among them),
        // first brought up to date where the buckets changed since the last scan.
        if level >= summaryFloor {
            let summarised = (UInt64(2) &<< UInt64(level)) &- (UInt64(1) &<< UInt64(summaryFloor))
            var refresh = stale & summarised
            stale &= ~summarised
            while refresh != 0 {
                let changed = refresh.trailingZeroBitCount
                let count = Int(store.counts[changed])
                if count > 0 {
                    Self.summarise(store.level(changed), count: count, into: store.summary(changed))
                }
                refresh &= refresh &- 1
            }
        }
        while level >= summaryFloor {
            let count = Int(store.counts[level])
            if count > 0 {
                let summary = store.summary(level)
                let levelEvents = count &<< level
                let levelDeviation = summary[0] - Double(levelEvents) * screen.mean
                let peak = abs(bridge) + summary[1] + abs(levelDeviation)
                let firstN0 = Double(n0Events &+ (1 &<< level))
                let lastN0 = Double(n0Events &+ levelEvents)
                guard screen.passes(peak: peak, firstN0: firstN0, lastN0: lastN0) else {
                    return
                }
                bridge += levelDeviation
                n0Events &+= levelEvents
            }
            level &-= 1
        }
        // The levels that receive buckets at nearly every batch, from their running sums.
        while level >= 0 {
            if level == Self.steadyLevels &- 1 && isSteady(store)
                && Self.steadyLevelsPass(store, screen, bridge: bridge, n0Events: n0Events)
            {
                level = -1
                return
            }
            // The last bucket of level 0 is not a split (the right part would be empty).
            let count = Int(store.counts[level]) &- (level == 0 ? 1 : 0)
            let sizeEvents = 1 &<< level
            if count > 0 {
                let step = Double(sizeEvents) * screen.mean
                let (peak, end) = Self.largestExcursion(
                    store.level(level),
                    count: count,
                    step: step,
                    from: bridge
                )
                let firstN0 = Double(n0Events &+ sizeEvents)
                let lastN0 = Double(n0Events &+ count &* sizeEvents)
                guard screen.passes(peak: peak, firstN0: firstN0, lastN0: lastN0) else {
                    return
                }
                bridge = end
                n0Events &+= count &* sizeEvents
            }
            level &-= 1
        }
    }

    /// River's cut test over every split of the window, oldest buckets first.
    ///
    /// Each split is first screened with multiplications only. With `D = u₀·W − n₀·T` (so `|μ̂₀ − μ̂₁| = |D|/(n₀n₁)`)
    /// and `m·n₀n₁ ≥ a₀ + a₁` (`aᵢ = nᵢ − ℓ + 1 ≤ nᵢ`, a constant per scan), `ε_cut·n₀n₁ ≥ √(2σ̂²δ′(a₀+a₁)·n₀n₁) +
    /// ⅔δ′(a₀+a₁)`; a split whose `|D|` (plus a bound on every rounding involved, 10⁻¹² of the window's absolute
    /// mass) is below that, with a further relative margin of 10⁻¹⁰, cannot cut in River's arithmetic either and is
    /// passed over. The screen works with `D/W = u₀ − n₀·μ̂`, accumulated bucket by bucket as the running sum of
    /// `totalᵢ − sizeᵢ·μ̂` (its rounding, at most a few hundred ulps of the window's absolute mass, is far inside
    /// the bound), and takes δ′ of a window at most 1/32 shorter than the current one (δ′ grows with the window, so
    /// the screen only gets more cautious), which spares two logarithms on most scans. Whole levels are screened at
    /// once first (`skipScreenedLevels`); only a level that does not pass is taken split by split. Every split the
    /// screen cannot pass over is decided by River's own expression, with River's partial sums and δ′ of the
    /// current window, so the outcome is River's.
    private mutating func scanCuts(_ store: BucketStore) -> Bool {
        var changeDetected = false
        let minLength = Double(configuration.minWindowLength)
        let relativeMargin = 1e-10
        var reduceWidth = true
        while reduceWidth {
            reduceWidth = false
            let width = settledWidth
            // The screen's constants multiply by 1/W (one division instead of four; the few ulps this moves them
            // are far inside the screen's margins). River's expression divides, as River does.
            let inverseWidth = 1 / width
            // River's δ′ and σ̂² = variance / W, computed when a split first needs River's expression.
            var riverTerms: (deltaPrime: Double, variance: Double)?
            if !(screenWidth <= width && width <= screenWidth + screenWidth / 32) {
                screenWidth = width
                screenDeltaPrime = deltaPrime(width)
            }
            let screenDelta = screenDeltaPrime
            // Screening constants (the screen is off unless they are finite and non-negative).
            let adjustedSum = width - 2 * (minLength - 1)
            // Every partial sum and the window total are at most the bucketed absolute mass.
            let roundingBound = 1e-12 * 2 * settledMagnitude * width
            let linearBound = (1 - relativeMargin) * (2.0 / 3.0) * screenDelta * adjustedSum
            let squareBound =
                (1 - relativeMargin) * (1 - relativeMargin) * 2.0 * (settledVariance * inverseWidth) * screenDelta
                * adjustedSum
            let screenOn =
                linearBound >= 0 && linearBound < 1e300 && squareBound >= 0 && squareBound < 1e300
                && roundingBound < 1e300 && width < 1e15
            // The same bound in units of D/W; with the screen off every split goes to River's expression.
            let screen = CutScreen(
                width: width,
                mean: settledTotal * inverseWidth,
                offset: screenOn ? (roundingBound - linearBound) * inverseWidth : Double.infinity,
                square: screenOn ? squareBound * (inverseWidth * inverseWidth) : 0
            )
            var position = ScanPosition(level: levels &- 1, bridge: 0, n0Events: 0)
            outer: while true {
                skipScreenedLevels(store, screen, &position)
                let level = position.level
                guard level >= 0 else {
                    break
                }
                // A level that did not pass as a whole: split by split.
                let sizeEvents = 1 &<< level
                let count = Int(store.counts[level]) &- (level == 0 ? 1 : 0)
                let totals = store.level(level)
                let step = Double(sizeEvents) * screen.mean
                var k = 0
                while k < count {
                    position.bridge += totals[2 &* k] - step
                    position.n0Events &+= sizeEvents
                    let n0 = Double(position.n0Events)
                    if screen.passes(deviation: position.bridge, n0: n0) {
                        k &+= 1
                        continue
                    }
                    let n1 = width - n0
                    if n1 >= minLength && n0 >= minLength {
                        let terms = riverTerms ?? (deltaPrime(width), settledVariance / width)
                        riverTerms = terms
                        let (u0, u1) = riverSums(store, level: level, bucket: k)
                        let deltaMean = (u0 / n0) - (u1 / n1)
                        let mRecip = 1.0 / (n0 - minLength + 1.0) + 1.0 / (n1 - minLength + 1.0)
                        let epsilon =
                            (2.0 * mRecip * terms.variance * terms.deltaPrime).squareRoot() + 2.0 / 3.0
                            * terms.deltaPrime * mRecip
                        if abs(deltaMean) > epsilon {
                            reduceWidth = true
                            changeDetected = true
                            if settledWidth > 0 {
                                deleteOldest(store)
                                break outer
                            }
                        }
                    }
                    k &+= 1
                }
                position.level = level &- 1
            }
        }
        return changeDetected
    }

    /// Equal when the configurations, buckets, recorded values and statistics are (the screen's magnitude bound
    /// and its cached δ′, derived state that a restored checkpoint recomputes, are left out).
    public static func == (lhs: ADWIN, rhs: ADWIN) -> Bool {
        lhs.configuration == rhs.configuration && lhs.bucketRegion.elementsEqual(rhs.bucketRegion)
            && lhs.counts == rhs.counts
            && lhs.levels == rhs.levels && lhs.tick == rhs.tick && lhs.pendingCount == rhs.pendingCount
            && (0..<lhs.pendingCount).allSatisfy { lhs.pending[$0] == rhs.pending[$0] }
            && lhs.settledTotal == rhs.settledTotal
            && lhs.settledVariance == rhs.settledVariance && lhs.settledWidth == rhs.settledWidth
            && lhs.detections == rhs.detections && lhs.isDrift == rhs.isDrift
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(configuration)
        for value in bucketRegion {
            hasher.combine(value)
        }
        hasher.combine(counts)
        hasher.combine(levels)
        hasher.combine(tick)
        hasher.combine(pendingCount)
        for index in 0..<pendingCount {
            hasher.combine(pending[index])
        }
        hasher.combine(settledTotal)
        hasher.combine(settledVariance)
        hasher.combine(settledWidth)
        hasher.combine(detections)
        hasher.combine(isDrift)
    }

    /// The buckets without the screen summaries that follow them.
    private var bucketRegion: ArraySlice<Double> {
        buckets[..<(2 * configuration.maxLevels * perLevel)]
    }

    /// Bytes of state: the struct (with the recorded values) plus its bucket and level arrays.
    public var memoryFootprint: Int {
        MemoryLayout<Self>.size + detectorHeapBytes(buckets) + detectorHeapBytes(counts)
    }
}
