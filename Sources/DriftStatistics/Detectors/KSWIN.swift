/// KSWIN, Kolmogorov–Smirnov windowing, with River's defaults.
///
/// Source: C. Raab, M. Heusinger, F.-M. Schleif, "Reactive Soft Prototype Computing for Concept Drift Streams",
/// Neurocomputing 416 (2020); the procedure is River 0.26.1's `drift.KSWIN`. KSWIN keeps the last `windowSize`
/// values; once full, every update compares the newest `statSize` values with `statSize` values drawn without
/// replacement from the older `windowSize − statSize` by a two-sample KS test, and signals a drift when
/// `p ≤ α` and `D > 0.1`. The p-value is scipy's exact one for equal sample sizes (what River's call to
/// `scipy.stats.ks_2samp(method="auto")` computes), tabulated once per configuration. The window's slots are kept
/// in value order (one shift per update), and each slot carries its term of `#reference − #recent`, so one
/// pass over the window in value order gives both empirical distribution functions: nothing is sorted per update.
///
/// The random draw uses a ``KSWINRandomSource``; with a source replaying CPython's `random.Random(seed)`, alarms
/// are River's exactly. As in River, the detector (window and random source) starts afresh on the update after a
/// drift.
///
/// Assumptions: a continuous distribution (ties are handled as scipy does, but reduce the power); no warning
/// zone. With the defaults the per-update test has a false-alarm rate of about 0.5 % on stationary data, so KSWIN
/// signals often; raise `windowSize`/`statSize` or lower `alpha` for long stationary streams.
///
/// Memory: bounded, arrays allocated once: the window (`windowSize` doubles), its value order (`windowSize` UInt16)
/// and the values in that order (`windowSize` doubles, so that a search reads one array), the index pool
/// (`windowSize − statSize` UInt16), one Int8 term per slot and the p-value table (`statSize + 1` doubles), plus the
/// struct: 2,649 bytes at the defaults with the default source.
/// - Complexity: O(`windowSize`) per update (a pass over 100 slots at the defaults), no allocation.
public struct KSWIN<Source: KSWINRandomSource>: NumericChangeDetector {
    /// Parameters, with River 0.26.1's defaults.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Significance level α (River: `alpha = 0.005`).
        public var alpha: Double
        /// Length of the sliding window (River: `window_size = 100`).
        public var windowSize: Int
        /// Length of each of the two compared samples (River: `stat_size = 30`).
        public var statSize: Int

        /// Creates a configuration; every default is River's.
        public init(alpha: Double = 0.005, windowSize: Int = 100, statSize: Int = 30) {
            self.alpha = alpha
            self.windowSize = windowSize
            self.statSize = statSize
        }

        /// Throws `invalid_parameter` unless α is in [0, 1], `1 ≤ statSize` and
        /// `2·statSize ≤ windowSize ≤ 65,536`.
        public func validate() throws(StatisticsError) {
            guard alpha >= 0, alpha <= 1, statSize >= 1, windowSize >= 2 * statSize, windowSize <= 65_536 else {
                throw StatisticsError(
                    .invalidParameter,
                    "KSWIN needs alpha in [0, 1] and 1 <= 2 * statSize <= windowSize <= 65536."
                )
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    @usableFromInline
    internal let initialSource: Source
    @usableFromInline
    internal var source: Source
    @usableFromInline
    internal let pValues: [Double]
    @usableFromInline
    internal var window: [Double]
    /// Window slots ordered by value (the first `count` entries are in use).
    @usableFromInline
    internal var order: [UInt16]
    /// The values in `order`'s order (`sorted[i] == window[order[i]]`), so that searches and the tie rule read one
    /// array instead of going through `order` into `window`.
    @usableFromInline
    internal var sorted: [Double]
    /// The index pool of the draw; after a draw its last `statSize` entries are the drawn positions.
    @usableFromInline
    internal var pool: [UInt16]
    /// Per slot, its term in `#reference − #recent`: −1 for the newest `statSize` slots, +1 for a drawn slot
    /// during a test, 0 otherwise.
    @usableFromInline
    internal var weights: [Int8]
    /// Adjacent entries of `order` with equal values (0 for continuous data: the test then skips the tie rule).
    @usableFromInline
    internal var tiedPairs = 0
    /// Whether `weights` marks the newest `statSize` slots (false until the window first fills after a reset).
    @usableFromInline
    internal var recentMarked = false
    @usableFromInline
    internal var head = 0
    @usableFromInline
    internal var count = 0
    @usableFromInline
    internal var lastPValue: Double = 0
    @usableFromInline
    internal var lastStatistic: Double = 0
    @usableFromInline
    internal var isDrift = false
    /// The p-value of the last test (0 before the window first fills, as in River).
    public var pValue: Double { lastPValue }
    /// The KS statistic D of the last test.
    public var statistic: Double { lastStatistic }
    /// Whether the last update signalled a drift.
    public var driftDetected: Bool { isDrift }

    /// Creates a detector drawing its samples from `source`.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration = Configuration(), source: Source) throws(StatisticsError) {
        try configuration.validate()
        self.configuration = configuration
        self.initialSource = source
        self.source = source
        self.pValues = Self.exactEqualSizePValues(configuration.statSize)
        self.window = [Double](repeating: 0, count: configuration.windowSize)
        self.order = [UInt16](repeating: 0, count: configuration.windowSize)
        self.sorted = [Double](repeating: 0, count: configuration.windowSize)
        self.pool = [UInt16](repeating: 0, count: configuration.windowSize - configuration.statSize)
        self.weights = [Int8](repeating: 0, count: configuration.windowSize)
    }

    /// The state after the last update: ``ChangeDetectorState/drift`` or ``ChangeDetectorState/stable``.
    @inlinable
    public var state: ChangeDetectorState { isDrift ? .drift : .stable }

    /// Feeds one value.
    /// - Complexity: O(`statSize`²), no allocation.
    @inlinable
    @discardableResult
    public mutating func update(_ value: Double) -> ChangeDetectorState {
        if isDrift {
            reset()
        }
        let size = configuration.windowSize
        if count < size {
            let slot = head + count < size ? head + count : head + count - size
            window[slot] = value
            insertOrdered(slot: slot, value: value, used: count)
            count += 1
        } else {
            replaceOrdered(slot: head, value: value)
            head = head + 1 == size ? 0 : head + 1
        }
        guard count == size else {
            return state
        }
        test()
        return state
    }

    /// The number of the first `used` sorted values that are `≤ value` (branch-free binary search).
    @inlinable
    @inline(__always)
    internal static func countNotAbove(_ value: Double, used: Int, _ s: UnsafeMutableBufferPointer<Double>) -> Int {
        guard used > 0 else {
            return 0
        }
        var base = 0
        var length = used
        while length > 1 {
            let half = length >> 1
            base = s[base &+ half] <= value ? base &+ half : base
            length &-= half
        }
        return base &+ (s[base] <= value ? 1 : 0)
    }

    @inlinable
    internal mutating func insertOrdered(slot: Int, value: Double, used: Int) {
        let ties = sorted.withUnsafeMutableBufferPointer { s in
            order.withUnsafeMutableBufferPointer { o in
                let position = Self.countNotAbove(value, used: used, s)
                var index = used
                while index > position {
                    o[index] = o[index - 1]
                    s[index] = s[index - 1]
                    index -= 1
                }
                o[position] = UInt16(truncatingIfNeeded: slot)
                s[position] = value
                return Self.tieChange(of: value, at: position, used: used + 1, s)
            }
        }
        tiedPairs += ties
    }

    /// The change in adjacent equal pairs when an entry of `value` at `position` of the first `used` entries of
    /// `order` was inserted (negate it for a removal, evaluated before the entry leaves).
    @inlinable
    @inline(__always)
    internal static func tieChange(
        of value: Double,
        at position: Int,
        used: Int,
        _ s: UnsafeMutableBufferPointer<Double>
    ) -> Int {
        let hasLeft = position > 0
        let hasRight = position + 1 < used
        let left = hasLeft && s[position - 1] == value ? 1 : 0
        let right = hasRight && s[position + 1] == value ? 1 : 0
        let bridged = hasLeft && hasRight && s[position - 1] == s[position + 1] ? 1 : 0
        return left + right - bridged
    }

    /// Replaces the value of `slot` (the oldest) by `value` in the full window, moving the slot within `order`
    /// from its old position to its new one with one shift: the same order as removing it and inserting it again
    /// after any equal values.
    @inlinable
    internal mutating func replaceOrdered(slot: Int, value: Double) {
        let size = configuration.windowSize
        let oldValue = window[slot]
        var ties = 0
        sorted.withUnsafeMutableBufferPointer { s in
            order.withUnsafeMutableBufferPointer { o in
                // The old position: the first entry not below the old value, then the slot within the run of equals.
                var position = Self.countNotAbove(oldValue.nextDown, used: size, s)
                if oldValue.isNaN || oldValue == -.infinity {
                    position = 0
                }
                while position < size && Int(o[position]) != slot {
                    position += 1
                }
                if position == size {
                    position = o.firstIndex(of: UInt16(truncatingIfNeeded: slot)) ?? size - 1
                }
                ties -= Self.tieChange(of: oldValue, at: position, used: size, s)
                // The new position among the other `size − 1` entries, after any equal values.
                let notAbove = Self.countNotAbove(value, used: size, s) - (oldValue <= value ? 1 : 0)
                let target = min(max(notAbove, 0), size - 1)
                if target >= position {
                    var index = position
                    while index < target {
                        o[index] = o[index &+ 1]
                        s[index] = s[index &+ 1]
                        index &+= 1
                    }
                } else {
                    var index = position
                    while index > target {
                        o[index] = o[index &- 1]
                        s[index] = s[index &- 1]
                        index &-= 1
                    }
                }
                o[target] = UInt16(truncatingIfNeeded: slot)
                s[target] = value
                ties += Self.tieChange(of: value, at: target, used: size, s)
            }
        }
        window[slot] = value
        tiedPairs += ties
    }

    @inlinable
    internal mutating func test() {
        let size = configuration.windowSize
        let stat = configuration.statSize
        let older = size - stat
        let start = head
        var random = source
        let marked = recentMarked
        let anyTies = tiedPairs > 0
        var pool: [UInt16] = []
        var weights: [Int8] = []
        // Every array is moved out of `self` for the pass (and back after it), so that reading it through a buffer
        // pointer costs no reference counting.
        var sorted: [Double] = []
        var order: [UInt16] = []
        swap(&sorted, &self.sorted)
        swap(&order, &self.order)
        swap(&pool, &self.pool)
        swap(&weights, &self.weights)
        // `weights` gives each slot its term of #reference − #recent, so one pass over the window in value order
        // yields D without sorting anything and without a branch on the class of the slot.
        let h = sorted.withUnsafeBufferPointer { w in
            order.withUnsafeBufferPointer { o in
                pool.withUnsafeMutableBufferPointer { p in
                    weights.withUnsafeMutableBufferPointer { weight in
                        if marked {
                            // One slot joined the newest `statSize` (the newest) and one left them.
                            let newest = start == 0 ? size - 1 : start - 1
                            let left = start + older - 1 < size ? start + older - 1 : start + older - 1 - size
                            weight[newest] = -1
                            weight[left] = 0
                        } else {
                            for slot in 0..<size {
                                weight[slot] = 0
                            }
                            for offset in older..<size {
                                weight[start + offset < size ? start + offset : start + offset - size] = -1
                            }
                        }
                        // CPython's random.sample, pool variant: a partial Fisher–Yates over 0 ..< older. The drawn
                        // index is swapped to the end of the live pool, which leaves the later draws unchanged and
                        // keeps the sample in p[older − stat ..< older] for clearing the marks afterwards.
                        for index in 0..<older {
                            p[index] = UInt16(truncatingIfNeeded: index)
                        }
                        // Wrapping arithmetic: every index here is below `size` ≤ 65,536 by construction.
                        for i in 0..<stat {
                            let last = older &- i &- 1
                            let j = random.index(below: older &- i)
                            let drawn = p[j]
                            p[j] = p[last]
                            p[last] = drawn
                            let slot = start &+ Int(drawn)
                            weight[slot >= size ? slot &- size : slot] = 1
                        }
                        var difference = 0
                        var best = 0
                        if anyTies {
                            var current = w[0]
                            for index in 0..<(size - 1) {
                                difference &+= Int(weight[Int(o[index])])
                                let next = w[index + 1]
                                // Both ECDFs are right-continuous: compare only after the last of equal values.
                                let magnitude = difference < 0 ? -difference : difference
                                best = next != current && magnitude > best ? magnitude : best
                                current = next
                            }
                            difference &+= Int(weight[Int(o[size - 1])])
                            best = max(best, difference < 0 ? -difference : difference)
                        } else {
                            // No equal values: D is the largest excursion of the running difference.
                            var highest = 0
                            var lowest = 0
                            for index in 0..<size {
                                difference &+= Int(weight[Int(o[index])])
                                highest = difference > highest ? difference : highest
                                lowest = difference < lowest ? difference : lowest
                            }
                            best = max(highest, -lowest)
                        }
                        // Clear the draw's marks: every older slot is 0 again (at most two contiguous runs).
                        let firstRun = min(older, size - start)
                        UnsafeMutableRawBufferPointer(
                            rebasing: UnsafeMutableRawBufferPointer(weight)[start..<(start + firstRun)]
                        )
                        .initializeMemory(as: Int8.self, repeating: 0)
                        if firstRun < older {
                            UnsafeMutableRawBufferPointer(
                                rebasing: UnsafeMutableRawBufferPointer(weight)[0..<(older - firstRun)]
                            )
                            .initializeMemory(as: Int8.self, repeating: 0)
                        }
                        return best
                    }
                }
            }
        }
        swap(&sorted, &self.sorted)
        swap(&order, &self.order)
        swap(&pool, &self.pool)
        swap(&weights, &self.weights)
        recentMarked = true
        source = random
        lastStatistic = Double(h) * 1.0 / Double(stat)
        lastPValue = pValues[h]
        isDrift = lastPValue <= configuration.alpha && lastStatistic > 0.1
    }

    /// Forgets everything observed and restarts the random source from its initial state.
    public mutating func reset() {
        source = initialSource
        head = 0
        count = 0
        recentMarked = false
        tiedPairs = 0
        lastPValue = 0
        lastStatistic = 0
        isDrift = false
    }

    /// Bytes of state: the struct plus its five arrays.
    public var memoryFootprint: Int {
        MemoryLayout<Self>.size + detectorHeapBytes(pValues) + detectorHeapBytes(window) + detectorHeapBytes(order)
            + detectorHeapBytes(sorted)
            + detectorHeapBytes(pool) + detectorHeapBytes(weights)
    }
}

extension KSWIN: Codable where Source: Codable {
    private enum CodingKeys: String, CodingKey {
        case configuration, initialSource, source, window, head, count, pValue, statistic, driftDetected
    }

    /// Writes the configuration, both random-source states, the window and the last test's results.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(initialSource, forKey: .initialSource)
        try container.encode(source, forKey: .source)
        try container.encode(window, forKey: .window)
        try container.encode(head, forKey: .head)
        try container.encode(count, forKey: .count)
        try container.encode(pValue, forKey: .pValue)
        try container.encode(statistic, forKey: .statistic)
        try container.encode(driftDetected, forKey: .driftDetected)
    }

    /// Restores a checkpoint written by `encode(to:)`; the p-value table and scratch arrays are rebuilt.
    /// - Throws: `DecodingError.dataCorrupted` for an inconsistent checkpoint.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let configuration = try container.decode(Configuration.self, forKey: .configuration)
        let initialSource = try container.decode(Source.self, forKey: .initialSource)
        do throws(StatisticsError) {
            try self.init(configuration: configuration, source: initialSource)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .configuration,
                in: container,
                debugDescription: error.message
            )
        }
        source = try container.decode(Source.self, forKey: .source)
        window = try container.decode([Double].self, forKey: .window)
        head = try container.decode(Int.self, forKey: .head)
        count = try container.decode(Int.self, forKey: .count)
        lastPValue = try container.decode(Double.self, forKey: .pValue)
        lastStatistic = try container.decode(Double.self, forKey: .statistic)
        isDrift = try container.decode(Bool.self, forKey: .driftDetected)
        let size = configuration.windowSize
        guard window.count == size, (0..<size).contains(head), (0...size).contains(count) else {
            throw DecodingError.dataCorruptedError(
                forKey: .window,
                in: container,
                debugDescription: "KSWIN checkpoint does not match its configuration."
            )
        }
        // Rebuild the value order of the slots in use.
        for offset in 0..<count {
            let slot = head + offset < size ? head + offset : head + offset - size
            insertOrdered(slot: slot, value: window[slot], used: offset)
        }
    }
}

extension KSWIN: Equatable where Source: Equatable {}

extension KSWIN where Source == KSWINSplitMix64Source {
    /// Creates a detector with River's defaults and the SplitMix64 source seeded with `seed`.
    public init(seed: UInt64 = 0) {
        self.configuration = Configuration()
        self.initialSource = KSWINSplitMix64Source(seed: seed)
        self.source = initialSource
        self.pValues = Self.exactEqualSizePValues(configuration.statSize)
        self.window = [Double](repeating: 0, count: configuration.windowSize)
        self.order = [UInt16](repeating: 0, count: configuration.windowSize)
        self.sorted = [Double](repeating: 0, count: configuration.windowSize)
        self.pool = [UInt16](repeating: 0, count: configuration.windowSize - configuration.statSize)
        self.weights = [Int8](repeating: 0, count: configuration.windowSize)
    }

    /// Creates a detector with the SplitMix64 source seeded with `seed`.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration, seed: UInt64 = 0) throws(StatisticsError) {
        try self.init(configuration: configuration, source: KSWINSplitMix64Source(seed: seed))
    }
}
