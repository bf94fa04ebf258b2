/// A univariate streaming anomaly detector for metric series (latency, request rate, custom metrics).
///
/// Each finite observation is scored with a robust z-score against a sliding window of the most recent values:
/// `z = (x − median) / scale`, where `scale = max(1.4826 · MAD, 1.3950 · T, ε · max(1, |median|))` and `T` is the
/// mean of the smallest 95 % of the absolute deviations from the median (a trimmed mean deviation). The two factors
/// make each estimate consistent for the standard deviation of a normal distribution (Hampel's MAD, see Rousseeuw &
/// Croux 1993, "Alternatives to the median absolute deviation", JASA 88); the trimmed term keeps the scale positive
/// when more than half of the window is one repeated value (square waves, idle counters) while ignoring up to 5 % of
/// outliers, and `ε` (``Configuration/minimumRelativeScale``) keeps a constant window scorable. An observation is
/// **anomalous** when `|z| ≥ threshold` **and** it lies outside every value currently in the window (a new extreme for
/// the window's span, so a pattern that already happened inside the window, like a daily peak, does not alarm).
/// An anomalous observation raises an **alarm** unless an alarm was raised fewer than `refractoryPeriod`
/// observations ago, and no alarm is raised during the first `warmUp` observations.
///
/// Why this behaves as a metric detector should:
/// - Both directions: the score is signed and the novelty test checks both extremes.
/// - Robust to single outliers: the median and MAD have a 50 % breakdown point, so one outlier in the window moves
///   the baseline by at most one order statistic.
/// - Adapts to level shifts: after a shift the new values enter the window; once they are more than about 5 % of
///   it the trimmed scale grows with them and new-level values stop scoring as anomalous, and after
///   `windowSize / 2` observations the new level is the median. The refractory period covers the transition, so a
///   shift raises one alarm, not a storm.
/// - Bounded memory: two buffers of `windowSize` doubles (16 KiB at the default 1024) plus a few scalars.
///
/// Non-finite inputs (NaN, ±∞) are skipped and counted in ``skippedCount``; they do not change the state.
/// Timestamps are carried into the verdict; the windows and periods count observations, so the detector assumes a
/// roughly regular sampling cadence (as Prometheus/CloudWatch series have).
///
/// The design (robust z on a sliding window, refractory period, warm-up suppression) is documented with its NAB
/// results in `docs/anomaly-detection.md`.
///
/// - Complexity: ``observe(_:at:)`` is O(`windowSize`) time (one binary search, one shift of at most `windowSize`
///   elements and two linear passes) and never allocates once the window is full (both buffers are reserved at
///   creation). Memory: `16 × windowSize` bytes of buffers plus about 100 bytes of scalars and array headers.
public struct RobustAnomalyDetector: Sendable {
    /// The configuration the detector was created with.
    public let configuration: Configuration
    // Internal (not private) so the Codable extension in RobustAnomalyDetector+Codable.swift can restore them.
    var window: AnomalyOrderedWindow
    var acceptedCount: Int
    var skipped: Int
    var lastAlarmIndex: Int?

    /// Creates a detector.
    ///
    /// - Parameter configuration: The parameters; ``Configuration/default`` is the one configuration used for every
    ///   series in the NAB evaluation. An invalid configuration (see ``Configuration/validationFailures``) is a
    ///   programmer error and traps.
    public init(configuration: Configuration = .default) {
        let failures = configuration.validationFailures
        precondition(failures.isEmpty, "invalid RobustAnomalyDetector.Configuration: \(failures)")
        self.configuration = configuration
        self.window = AnomalyOrderedWindow(capacity: configuration.windowSize)
        self.acceptedCount = 0
        self.skipped = 0
        self.lastAlarmIndex = nil
    }

    /// The number of finite observations accepted so far.
    public var observationCount: Int { acceptedCount }

    /// The number of non-finite observations (NaN, ±∞) skipped so far.
    public var skippedCount: Int { skipped }

    /// The number of values currently in the sliding window.
    public var windowCount: Int { window.count }

    /// The bytes this detector holds: the struct itself plus the two window buffers on the heap (header and
    /// reserved capacity). About `16 × windowSize + 180` bytes (the allocator may round a buffer up by a
    /// few elements): 16,561 bytes at the defaults on 64-bit Linux.
    public var memoryFootprint: Int {
        MemoryLayout<Self>.size + window.heapBytes
    }

    /// The current baseline: the median of the sliding window, or `nil` while the window is empty.
    public var baseline: Double? {
        guard window.count > 0 else { return nil }
        return window.robustStatistics(trimmedFraction: Self.trimmedFraction).median
    }

    /// Scores one observation, updates the window, and says whether it raises an alarm.
    ///
    /// - Parameters:
    ///   - value: The metric value. NaN and infinities are skipped and counted.
    ///   - timestampNanoseconds: The observation's event time, carried into the verdict.
    /// - Returns: The verdict for this observation.
    /// - Complexity: O(`windowSize`), no allocation once the window is full.
    public mutating func observe(_ value: Double, at timestampNanoseconds: Int64) -> AnomalyVerdict {
        guard value.isFinite else {
            skipped += 1
            return AnomalyVerdict(
                score: 0,
                status: .skipped,
                direction: .none,
                baseline: 0,
                scale: 0,
                timestampNanoseconds: timestampNanoseconds
            )
        }

        var score = 0.0
        var baseline = 0.0
        var scale = 0.0
        var isAnomalous = false
        if window.count >= Self.minimumScoringCount {
            let statistics = window.robustStatistics(trimmedFraction: Self.trimmedFraction)
            baseline = statistics.median
            scale = max(
                Self.madConsistency * statistics.mad,
                Self.trimmedDeviationConsistency * statistics.trimmedMeanAbsoluteDeviation,
                configuration.minimumRelativeScale * max(1, abs(statistics.median))
            )
            score = (value - baseline) / scale
            let isNewExtreme = value > window.maximum || value < window.minimum
            isAnomalous = isNewExtreme && abs(score) >= configuration.threshold
        }

        let index = acceptedCount
        window.insert(value)
        acceptedCount += 1

        let status: AnomalyVerdict.Status
        if acceptedCount <= configuration.warmUp {
            status = .warmingUp
        } else if !isAnomalous {
            status = .normal
        } else if let lastAlarmIndex, index - lastAlarmIndex <= configuration.refractoryPeriod {
            status = .suppressed
        } else {
            status = .alarm
            lastAlarmIndex = index
        }
        let direction: AnomalyVerdict.Direction =
            status == .alarm || status == .suppressed ? (score > 0 ? .up : .down) : .none
        return AnomalyVerdict(
            score: score,
            status: status,
            direction: direction,
            baseline: baseline,
            scale: scale,
            timestampNanoseconds: timestampNanoseconds
        )
    }

    /// The window size below which observations are not scored (the median and MAD of fewer values are too noisy).
    static let minimumScoringCount = 8
    /// `1 / Φ⁻¹(3/4)`: makes the MAD a consistent estimator of a normal standard deviation.
    static let madConsistency = 1.482_602_218_505_602
    /// The fraction of smallest absolute deviations averaged by the trimmed mean deviation: the largest 5 % (up to
    /// 51 values of a 1024-value window) are ignored, so single outliers do not inflate the scale.
    static let trimmedFraction = 0.95
    /// `1 / E[|Z| given |Z| < Φ⁻¹(0.975)]` for a standard normal `Z`: makes the 95 %-trimmed mean absolute deviation
    /// a consistent estimator of a normal standard deviation (`0.95 / (2(φ(0) − φ(1.95996)))`).
    static let trimmedDeviationConsistency = 1.395_018_770_250_759_3
}
