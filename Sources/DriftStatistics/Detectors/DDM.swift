/// DDM, the Drift Detection Method, on a binary error stream, with River's defaults.
///
/// Source: J. Gama, P. Medas, G. Castillo, P. Rodrigues, "Learning with Drift Detection", SBIA 2004; the
/// arithmetic is River 0.26.1's `drift.binary.DDM`, reproduced event for event. With `pᵢ` the running error rate
/// and `sᵢ = √(pᵢ(1 − pᵢ)/i)`, the minimum of `pᵢ + sᵢ` is remembered after `warmStart` events; a warning is
/// raised when `pᵢ + sᵢ > p_min + w·s_min` and a drift when `pᵢ + sᵢ > p_min + d·s_min`.
///
/// Assumptions: errors are independent Bernoulli draws and, while the concept is stable, the error rate does not
/// increase (PAC learning). Detects increases of the error rate only.
///
/// Memory: the struct only (`MemoryLayout<DDM>.size` = 66 bytes), no heap.
/// - Complexity: O(1) per update, no allocation.
public struct DDM: BinaryChangeDetector, Codable, Hashable {
    /// Parameters, with River 0.26.1's defaults.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Events observed before warnings or drifts can be raised (River: `warm_start = 30`).
        public var warmStart: Int
        /// Warning level `w`, in standard deviations (River: `warning_threshold = 2.0`).
        public var warningThreshold: Double
        /// Drift level `d`, in standard deviations (River: `drift_threshold = 3.0`).
        public var driftThreshold: Double

        /// Creates a configuration; every default is River's.
        public init(warmStart: Int = 30, warningThreshold: Double = 2.0, driftThreshold: Double = 3.0) {
            self.warmStart = warmStart
            self.warningThreshold = warningThreshold
            self.driftThreshold = driftThreshold
        }

        /// Throws `invalid_parameter` unless `warmStart ≥ 0` and `0 < warningThreshold ≤ driftThreshold`.
        public func validate() throws(StatisticsError) {
            guard warmStart >= 0, warningThreshold > 0, driftThreshold >= warningThreshold else {
                throw StatisticsError(
                    .invalidParameter,
                    "DDM needs warmStart >= 0 and 0 < warningThreshold <= driftThreshold."
                )
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    @usableFromInline
    internal var count: Double = 0
    @usableFromInline
    internal var errorRate: Double = 0
    @usableFromInline
    internal var pMin: Double = 0
    @usableFromInline
    internal var sMin: Double = 0
    @usableFromInline
    internal var psMin: Double = .infinity
    @usableFromInline
    internal var isDrift = false
    /// Whether the last update signalled a drift.
    public var driftDetected: Bool { isDrift }
    @usableFromInline
    internal var isWarning = false
    /// Whether the detector is in the warning zone after the last update.
    public var warningDetected: Bool { isWarning }

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

    /// The state after the last update.
    @inlinable
    public var state: ChangeDetectorState { ChangeDetectorState(drift: isDrift, warning: isWarning) }

    /// The error rate since the last reset.
    public var estimation: Double { errorRate }

    /// Feeds one outcome (`true` = error).
    /// - Complexity: O(1), no allocation.
    @inlinable
    @discardableResult
    public mutating func update(_ error: Bool) -> ChangeDetectorState {
        if isDrift {
            reset()
        }
        count += 1
        errorRate += (1.0 / count) * ((error ? 1.0 : 0.0) - errorRate)
        let p = errorRate
        let s = (p * (1 - p) / count).squareRoot()
        if count > Double(configuration.warmStart) {
            if p + s <= psMin {
                pMin = p
                sMin = s
                psMin = pMin + sMin
            }
            isWarning = p + s > pMin + configuration.warningThreshold * sMin
            if p + s > pMin + configuration.driftThreshold * sMin {
                isDrift = true
                isWarning = false
            }
        }
        return state
    }

    /// Forgets everything observed, keeping the configuration.
    public mutating func reset() {
        count = 0
        errorRate = 0
        pMin = 0
        sMin = 0
        psMin = .infinity
        isDrift = false
        isWarning = false
    }

    /// Bytes of state: the struct itself, no heap.
    public var memoryFootprint: Int { MemoryLayout<Self>.size }
}
