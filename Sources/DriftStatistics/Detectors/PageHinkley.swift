/// The Page–Hinkley test for a change in the mean of a numeric stream, with River's defaults.
///
/// Source: E. S. Page, "Continuous Inspection Schemes", Biometrika 41 (1954); the variant with a fading factor
/// is River 0.26.1's `drift.PageHinkley` (Sebastião & Fernandes 2017), which this type reproduces event for event:
/// the running mean is updated first, then the cumulative deviations
/// `m⁺ₜ = α·m⁺ₜ₋₁ + (xₜ − x̄ₜ) − δ` and `m⁻ₜ = α·m⁻ₜ₋₁ + (xₜ − x̄ₜ) + δ`, and a drift is signalled when
/// `m⁺ₜ − min m⁺ > λ` (increase) or `max m⁻ − m⁻ₜ > λ` (decrease) once `minInstances` events were seen.
///
/// Assumptions: independent observations; δ is the magnitude of change that is tolerated, λ the alarm level, both
/// in the units of the data (so scale the input, e.g. standardise or use log-latency). No warning zone.
///
/// Memory: the struct only, `MemoryLayout<PageHinkley>.size` = 89 bytes, no heap.
/// - Complexity: O(1) per update, no allocation.
public struct PageHinkley: NumericChangeDetector, Codable, Hashable {
    /// Which direction of change raises a drift.
    public enum Mode: String, Sendable, Codable, Hashable {
        /// Increases of the mean only.
        case up
        /// Decreases of the mean only.
        case down
        /// Both directions (River's default).
        case both
    }

    /// Parameters, with River 0.26.1's defaults.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Events required before a drift can be signalled (River: `min_instances = 30`).
        public var minInstances: Int
        /// Tolerated magnitude of change δ (River: `delta = 0.005`).
        public var delta: Double
        /// Alarm threshold λ (River: `threshold = 50`).
        public var threshold: Double
        /// Fading factor α applied to the cumulative sums (River: `alpha = 1 - 0.0001`).
        public var alpha: Double
        /// Direction of change monitored (River: `"both"`).
        public var mode: Mode

        /// Creates a configuration; every default is River's.
        public init(
            minInstances: Int = 30,
            delta: Double = 0.005,
            threshold: Double = 50,
            alpha: Double = 1 - 0.0001,
            mode: Mode = .both
        ) {
            self.minInstances = minInstances
            self.delta = delta
            self.threshold = threshold
            self.alpha = alpha
            self.mode = mode
        }

        /// Throws ``StatisticsError/Code/invalidParameter`` unless `minInstances ≥ 1`, `delta ≥ 0`,
        /// `threshold > 0` and `0 < alpha ≤ 1`.
        public func validate() throws(StatisticsError) {
            guard minInstances >= 1, delta >= 0, threshold > 0, alpha > 0, alpha <= 1 else {
                throw StatisticsError(
                    .invalidParameter,
                    "Page-Hinkley needs minInstances >= 1, delta >= 0, threshold > 0 and alpha in (0, 1]."
                )
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    @usableFromInline
    internal var count: Double = 0
    @usableFromInline
    internal var mean: Double = 0
    @usableFromInline
    internal var sumIncrease: Double = 0
    @usableFromInline
    internal var sumDecrease: Double = 0
    @usableFromInline
    internal var minIncrease: Double = .infinity
    @usableFromInline
    internal var maxDecrease: Double = -1
    @usableFromInline
    internal var isDrift = false
    /// Whether the last update signalled a drift.
    public var driftDetected: Bool { isDrift }

    /// Creates a detector with River's defaults.
    public init() {
        self.configuration = Configuration()
    }

    /// Creates a detector.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration) throws(StatisticsError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// The state after the last update: ``ChangeDetectorState/drift`` or ``ChangeDetectorState/stable``.
    @inlinable
    public var state: ChangeDetectorState { isDrift ? .drift : .stable }

    /// The running mean of the events since the last reset.
    public var estimation: Double { mean }

    /// Feeds one value.
    /// - Complexity: O(1), no allocation.
    @inlinable
    @discardableResult
    public mutating func update(_ value: Double) -> ChangeDetectorState {
        if isDrift {
            reset()
        }
        count += 1
        mean += (1.0 / count) * (value - mean)
        let deviation = value - mean
        sumIncrease = configuration.alpha * sumIncrease + deviation - configuration.delta
        sumDecrease = configuration.alpha * sumDecrease + deviation + configuration.delta
        if sumIncrease < minIncrease {
            minIncrease = sumIncrease
        }
        if sumDecrease > maxDecrease {
            maxDecrease = sumDecrease
        }
        if count >= Double(configuration.minInstances) {
            let increase = sumIncrease - minIncrease > configuration.threshold
            let decrease = maxDecrease - sumDecrease > configuration.threshold
            switch configuration.mode {
            case .up: isDrift = increase
            case .down: isDrift = decrease
            case .both: isDrift = increase || decrease
            }
        }
        return state
    }

    /// Forgets everything observed, keeping the configuration.
    public mutating func reset() {
        count = 0
        mean = 0
        sumIncrease = 0
        sumDecrease = 0
        minIncrease = .infinity
        maxDecrease = -1
        isDrift = false
    }

    /// Bytes of state: the struct itself, no heap.
    public var memoryFootprint: Int { MemoryLayout<Self>.size }
}
