/// The EWMA control chart for a shift of the mean, with exact (time-varying) control limits.
///
/// Source: S. W. Roberts, "Control Chart Tests Based on Geometric Moving Averages", Technometrics 1 (1959);
/// parameters and limits as in J. M. Lucas, M. S. Saccucci, "Exponentially Weighted Moving Average Control
/// Schemes: Properties and Enhancements", Technometrics 32 (1990). With the in-control mean μ₀ and standard
/// deviation σ: `Zₜ = λ·xₜ + (1 − λ)·Zₜ₋₁`, `Z₀ = μ₀`, and a drift is signalled when
/// `|Zₜ − μ₀| > L·σ·√(λ/(2 − λ)·(1 − (1 − λ)^{2t}))`.
///
/// River has no EWMA chart, so the defaults are driftwatch's: `λ = 0.1` (Lucas & Saccucci's recommendation for
/// small shifts) and `L = 4`; the textbook `L ≈ 2.7…3` gives an ARL₀ of 500…840 events, far too many false alarms
/// for streams of millions of events, which `L = 4` brings down to about 4 per 100k on normal data (see
/// docs/detectors.md).
///
/// μ₀ and σ are given, or estimated (Welford) from the first `warmup` events after creation and after each drift,
/// during which nothing is signalled. Assumptions: independent observations; normality is not required for
/// small λ. No warning zone.
///
/// Memory: the struct only (`MemoryLayout<EWMAChart>.size`, 137 bytes), no heap.
/// - Complexity: O(1) per update, no allocation.
public struct EWMAChart: NumericChangeDetector, Codable, Hashable {
    /// Parameters.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Weight λ of the newest value, in (0, 1] (default 0.1).
        public var lambda: Double
        /// Width `L` of the control limits, in standard deviations of Zₜ (default 4).
        public var limit: Double
        /// Events used to estimate μ₀ and σ when they are not given (default 500).
        public var warmup: Int
        /// The in-control mean μ₀, or `nil` to estimate it.
        public var targetMean: Double?
        /// The in-control standard deviation σ, or `nil` to estimate it.
        public var standardDeviation: Double?

        /// Creates a configuration.
        public init(
            lambda: Double = 0.1,
            limit: Double = 4,
            warmup: Int = 500,
            targetMean: Double? = nil,
            standardDeviation: Double? = nil
        ) {
            self.lambda = lambda
            self.limit = limit
            self.warmup = warmup
            self.targetMean = targetMean
            self.standardDeviation = standardDeviation
        }

        /// Throws `invalid_parameter` unless λ is in (0, 1], `L > 0`, `warmup ≥ 2` and a given σ is positive.
        public func validate() throws(StatisticsError) {
            guard lambda > 0, lambda <= 1, limit > 0, warmup >= 2, (standardDeviation ?? 1) > 0 else {
                throw StatisticsError(
                    .invalidParameter,
                    "EWMA chart needs lambda in (0, 1], limit > 0, warmup >= 2 and a positive standard deviation."
                )
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    private let decayPerStep: Double
    private let asymptoticFactor: Double
    private var seen: Double = 0
    private var warmupMean: Double = 0
    private var warmupSquares: Double = 0
    private var mean: Double = 0
    private var deviation: Double = 0
    private var decay: Double = 1
    private var ready = false
    /// The current moving average Zₜ.
    public private(set) var statistic: Double = 0
    /// Whether the last update signalled a drift.
    public private(set) var driftDetected = false

    /// Creates a chart with the default configuration.
    public init() {
        self.init(validated: Configuration())
    }

    /// Creates a chart.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration) throws(StatisticsError) {
        try configuration.validate()
        self.init(validated: configuration)
    }

    private init(validated configuration: Configuration) {
        self.configuration = configuration
        let keep = 1 - configuration.lambda
        self.decayPerStep = keep * keep
        self.asymptoticFactor = configuration.lambda / (2 - configuration.lambda)
        start()
    }

    /// The state after the last update: ``ChangeDetectorState/drift`` or ``ChangeDetectorState/stable``.
    public var state: ChangeDetectorState { driftDetected ? .drift : .stable }

    /// Feeds one value.
    /// - Complexity: O(1), no allocation.
    @discardableResult
    public mutating func update(_ value: Double) -> ChangeDetectorState {
        if driftDetected {
            reset()
        }
        guard ready else {
            learn(value)
            return .stable
        }
        statistic = configuration.lambda * value + (1 - configuration.lambda) * statistic
        decay *= decayPerStep
        let spread = configuration.limit * deviation * (asymptoticFactor * (1 - decay)).squareRoot()
        driftDetected = abs(statistic - mean) > spread
        return state
    }

    private mutating func learn(_ value: Double) {
        seen += 1
        let delta = value - warmupMean
        warmupMean += delta / seen
        warmupSquares += delta * (value - warmupMean)
        guard seen >= Double(configuration.warmup) else {
            return
        }
        mean = configuration.targetMean ?? warmupMean
        deviation = configuration.standardDeviation ?? (warmupSquares / (seen - 1)).squareRoot()
        statistic = mean
        ready = true
    }

    private mutating func start() {
        if let target = configuration.targetMean, let sd = configuration.standardDeviation {
            mean = target
            deviation = sd
            statistic = target
            ready = true
        }
    }

    /// Forgets everything observed (including estimated μ₀ and σ), keeping the configuration.
    public mutating func reset() {
        seen = 0
        warmupMean = 0
        warmupSquares = 0
        mean = 0
        deviation = 0
        decay = 1
        ready = false
        statistic = 0
        driftDetected = false
        start()
    }

    /// Bytes of state: the struct itself, no heap.
    public var memoryFootprint: Int { MemoryLayout<Self>.size }
}
