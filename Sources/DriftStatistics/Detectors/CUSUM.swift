/// The two-sided tabular CUSUM chart for a shift of the mean.
///
/// Source: E. S. Page, "Continuous Inspection Schemes", Biometrika 41 (1954); the tabular (two one-sided sums)
/// form and its parameters follow D. C. Montgomery, *Introduction to Statistical Quality Control*, §9.1. With the
/// in-control mean μ₀ and standard deviation σ, and `zₜ = (xₜ − μ₀)/σ`:
/// `C⁺ₜ = max(0, C⁺ₜ₋₁ + zₜ − k)`, `C⁻ₜ = max(0, C⁻ₜ₋₁ − zₜ − k)`; a drift is signalled when either exceeds `h`.
///
/// River has no CUSUM chart, so the defaults are driftwatch's: `k = 0.5` (tuned to a 1σ shift, the textbook
/// choice) and `h = 10`. Montgomery's `h = 4…5` gives an in-control average run length (ARL₀) of only 168…465
/// events, i.e. hundreds of false alarms per 100k events; `h = 10` gives ARL₀ ≈ 7·10⁴ by Siegmund's approximation
/// while a 1σ shift is still found in ≈ 22 events.
///
/// μ₀ and σ are given, or estimated (Welford) from the first `warmup` events after creation and after each drift,
/// during which nothing is signalled. Assumptions: independent, roughly normal observations (standardise or take
/// the log of skewed data such as latencies). No warning zone.
///
/// Memory: the struct only (`MemoryLayout<CUSUM>.size`, 121 bytes), no heap.
/// - Complexity: O(1) per update, no allocation.
public struct CUSUM: NumericChangeDetector, Codable, Hashable {
    /// Parameters.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Allowance (reference value) `k`, in standard deviations (default 0.5).
        public var allowance: Double
        /// Decision interval `h`, in standard deviations (default 10).
        public var threshold: Double
        /// Events used to estimate μ₀ and σ when they are not given (default 500).
        public var warmup: Int
        /// The in-control mean μ₀, or `nil` to estimate it.
        public var targetMean: Double?
        /// The in-control standard deviation σ, or `nil` to estimate it.
        public var standardDeviation: Double?

        /// Creates a configuration.
        public init(
            allowance: Double = 0.5,
            threshold: Double = 10,
            warmup: Int = 500,
            targetMean: Double? = nil,
            standardDeviation: Double? = nil
        ) {
            self.allowance = allowance
            self.threshold = threshold
            self.warmup = warmup
            self.targetMean = targetMean
            self.standardDeviation = standardDeviation
        }

        /// Throws `invalid_parameter` unless `k ≥ 0`, `h > 0`, `warmup ≥ 2` and a given σ is positive.
        public func validate() throws(StatisticsError) {
            guard allowance >= 0, threshold > 0, warmup >= 2, (standardDeviation ?? 1) > 0 else {
                throw StatisticsError(
                    .invalidParameter,
                    "CUSUM needs allowance >= 0, threshold > 0, warmup >= 2 and a positive standard deviation."
                )
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    private var seen: Double = 0
    private var warmupMean: Double = 0
    private var warmupSquares: Double = 0
    private var mean: Double = 0
    private var inverseDeviation: Double = 0
    private var ready = false
    /// The upper cumulative sum C⁺, in standard deviations.
    public private(set) var upper: Double = 0
    /// The lower cumulative sum C⁻, in standard deviations.
    public private(set) var lower: Double = 0
    /// Whether the last update signalled a drift.
    public private(set) var driftDetected = false

    /// Creates a chart with the default configuration.
    public init() {
        self.configuration = Configuration()
        start()
    }

    /// Creates a chart.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration) throws(StatisticsError) {
        try configuration.validate()
        self.configuration = configuration
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
        let z = (value - mean) * inverseDeviation
        upper = max(0, upper + z - configuration.allowance)
        lower = max(0, lower - z - configuration.allowance)
        driftDetected = upper > configuration.threshold || lower > configuration.threshold
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
        let estimated = (warmupSquares / (seen - 1)).squareRoot()
        mean = configuration.targetMean ?? warmupMean
        let deviation = configuration.standardDeviation ?? estimated
        // A constant warm-up has no spread: any later change is then infinitely many σ away.
        inverseDeviation = deviation > 0 ? 1 / deviation : .greatestFiniteMagnitude
        ready = true
    }

    private mutating func start() {
        if let target = configuration.targetMean, let deviation = configuration.standardDeviation {
            mean = target
            inverseDeviation = 1 / deviation
            ready = true
        }
    }

    /// Forgets everything observed (including estimated μ₀ and σ), keeping the configuration.
    public mutating func reset() {
        seen = 0
        warmupMean = 0
        warmupSquares = 0
        mean = 0
        inverseDeviation = 0
        ready = false
        upper = 0
        lower = 0
        driftDetected = false
        start()
    }

    /// Bytes of state: the struct itself, no heap.
    public var memoryFootprint: Int { MemoryLayout<Self>.size }
}
