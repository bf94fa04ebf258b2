/// KSWIN, Kolmogorov–Smirnov windowing, with River's defaults.
///
/// Source: C. Raab, M. Heusinger, F.-M. Schleif, "Reactive Soft Prototype Computing for Concept Drift Streams",
/// Neurocomputing 416 (2020); the procedure is River 0.26.1's `drift.KSWIN`. KSWIN keeps the last `windowSize`
/// values; once full, every update compares the newest `statSize` values with `statSize` values drawn without
/// replacement from the older `windowSize − statSize` by a two-sample KS test, and signals a drift when
/// `p ≤ α` and `D > 0.1`. The p-value is scipy's exact one for equal sample sizes (what River's call to
/// `scipy.stats.ks_2samp(method="auto")` computes), tabulated once per configuration. The window's slots are kept
/// in value order (one removal and one insertion per update), and the drawn sample is marked in a bit set, so one
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
/// Memory: bounded, arrays allocated once: the window (`windowSize` doubles), its value order (`windowSize`
/// Int32), the index pool (`windowSize − statSize` Int32), a bit set over the window and the p-value table
/// (`statSize + 1` doubles), plus the struct: 2,041 bytes at the defaults with the default source.
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

    private let initialSource: Source
    private var source: Source
    private let pValues: [Double]
    private var window: [Double]
    /// Window slots ordered by value (the first `count` entries are in use).
    private var order: [Int32]
    private var pool: [Int32]
    private var selected: [UInt64]
    private var head = 0
    private var count = 0
    /// The p-value of the last test (0 before the window first fills, as in River).
    public private(set) var pValue: Double = 0
    /// The KS statistic D of the last test.
    public private(set) var statistic: Double = 0
    /// Whether the last update signalled a drift.
    public private(set) var driftDetected = false

    /// Creates a detector drawing its samples from `source`.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration = Configuration(), source: Source) throws(StatisticsError) {
        try configuration.validate()
        self.configuration = configuration
        self.initialSource = source
        self.source = source
        self.pValues = Self.exactEqualSizePValues(configuration.statSize)
        self.window = [Double](repeating: 0, count: configuration.windowSize)
        self.order = [Int32](repeating: 0, count: configuration.windowSize)
        self.pool = [Int32](repeating: 0, count: configuration.windowSize - configuration.statSize)
        self.selected = [UInt64](repeating: 0, count: (configuration.windowSize + 63) / 64)
    }

    /// The state after the last update: ``ChangeDetectorState/drift`` or ``ChangeDetectorState/stable``.
    public var state: ChangeDetectorState { driftDetected ? .drift : .stable }

    /// Feeds one value.
    /// - Complexity: O(`statSize`²), no allocation.
    @discardableResult
    @_specialize(exported:true,where Source == KSWINSplitMix64Source)
    public mutating func update(_ value: Double) -> ChangeDetectorState {
        if driftDetected {
            reset()
        }
        let size = configuration.windowSize
        if count < size {
            let slot = head + count < size ? head + count : head + count - size
            window[slot] = value
            insertOrdered(slot: slot, value: value, used: count)
            count += 1
        } else {
            removeOrdered(slot: head, used: size)
            window[head] = value
            insertOrdered(slot: head, value: value, used: size - 1)
            head = head + 1 == size ? 0 : head + 1
        }
        guard count == size else {
            return state
        }
        test()
        return state
    }

    /// The position in `order` where `value` would be inserted after any equal values.
    @inline(__always)
    private func upperBound(_ value: Double, used: Int) -> Int {
        var low = 0
        var high = used
        while low < high {
            let mid = (low + high) >> 1
            if window[Int(order[mid])] <= value {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low
    }

    private mutating func insertOrdered(slot: Int, value: Double, used: Int) {
        let position = upperBound(value, used: used)
        var index = used
        while index > position {
            order[index] = order[index - 1]
            index -= 1
        }
        order[position] = Int32(slot)
    }

    private mutating func removeOrdered(slot: Int, used: Int) {
        // Find the run of values equal to the slot's (binary search), then the slot within it.
        let value = window[slot]
        var low = 0
        var high = used
        while low < high {
            let mid = (low + high) >> 1
            if window[Int(order[mid])] < value {
                low = mid + 1
            } else {
                high = mid
            }
        }
        var position = low
        while position < used && Int(order[position]) != slot {
            position += 1
        }
        if position == used {
            // Only reachable with NaN values, which compare unequal to themselves: fall back to a full scan.
            position = order.firstIndex(of: Int32(slot)) ?? used - 1
        }
        while position < used - 1 {
            order[position] = order[position + 1]
            position += 1
        }
    }

    @_specialize(where Source == KSWINSplitMix64Source)
    private mutating func test() {
        let size = configuration.windowSize
        let stat = configuration.statSize
        let older = size - stat
        let start = head
        var random = source
        var pool: [Int32] = []
        var selected: [UInt64] = []
        swap(&pool, &self.pool)
        swap(&selected, &self.selected)
        // The reference sample is marked in a bit set over window slots; one pass over the window in value order
        // then yields both empirical distribution functions, so nothing is sorted per update.
        let h = window.withUnsafeBufferPointer { w in
            order.withUnsafeBufferPointer { o in
                pool.withUnsafeMutableBufferPointer { p in
                    selected.withUnsafeMutableBufferPointer { mask in
                        // CPython's random.sample, pool variant: a partial Fisher–Yates over 0 ..< older.
                        for index in 0..<older {
                            p[index] = Int32(index)
                        }
                        for i in 0..<stat {
                            let j = random.index(below: older - i)
                            var slot = start + Int(p[j])
                            if slot >= size {
                                slot -= size
                            }
                            mask[slot >> 6] |= 1 << UInt64(slot & 63)
                            p[j] = p[older - i - 1]
                        }
                        var inReference = 0
                        var inRecent = 0
                        var best = 0
                        for index in 0..<size {
                            let slot = Int(o[index])
                            if mask[slot >> 6] & (1 << UInt64(slot & 63)) != 0 {
                                inReference += 1
                            } else {
                                var relative = slot - start
                                if relative < 0 {
                                    relative += size
                                }
                                if relative >= older {
                                    inRecent += 1
                                }
                            }
                            // Both ECDFs are right-continuous: compare only after the last of equal values.
                            if index == size - 1 || w[Int(o[index + 1])] != w[slot] {
                                best = max(best, abs(inReference - inRecent))
                            }
                        }
                        for word in mask.indices {
                            mask[word] = 0
                        }
                        return best
                    }
                }
            }
        }
        swap(&pool, &self.pool)
        swap(&selected, &self.selected)
        source = random
        statistic = Double(h) * 1.0 / Double(stat)
        pValue = pValues[h]
        driftDetected = pValue <= configuration.alpha && statistic > 0.1
    }

    /// Forgets everything observed and restarts the random source from its initial state.
    public mutating func reset() {
        source = initialSource
        head = 0
        count = 0
        pValue = 0
        statistic = 0
        driftDetected = false
    }

    /// Bytes of state: the struct plus its five arrays.
    public var memoryFootprint: Int {
        MemoryLayout<Self>.size + detectorHeapBytes(pValues) + detectorHeapBytes(window) + detectorHeapBytes(order)
            + detectorHeapBytes(pool) + detectorHeapBytes(selected)
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
        pValue = try container.decode(Double.self, forKey: .pValue)
        statistic = try container.decode(Double.self, forKey: .statistic)
        driftDetected = try container.decode(Bool.self, forKey: .driftDetected)
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
        self.order = [Int32](repeating: 0, count: configuration.windowSize)
        self.pool = [Int32](repeating: 0, count: configuration.windowSize - configuration.statSize)
        self.selected = [UInt64](repeating: 0, count: (configuration.windowSize + 63) / 64)
    }

    /// Creates a detector with the SplitMix64 source seeded with `seed`.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration, seed: UInt64 = 0) throws(StatisticsError) {
        try self.init(configuration: configuration, source: KSWINSplitMix64Source(seed: seed))
    }
}
