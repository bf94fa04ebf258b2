/// Feature or prediction drift rules (`data_drift`, `prediction_drift`).
///
/// A feature drifts when its test is significant after the correction (tests with a p-value) and, for windows of
/// at least ``largeWindowEvents`` values, its effect size reaches ``effectSizeWarning`` (KS is gated by the
/// normalised Wasserstein distance, chi-square by PSI). Distances without a p-value decide by the effect size
/// alone. Severity is critical when the effect size reaches ``effectSizeCritical``.
public struct DriftSettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// Whether the rule runs (`enabled`, default true).
    public var enabled: Bool = true
    /// Test for numeric streams (`numeric_test`: ks | psi | wasserstein | jensen_shannon; default ks).
    public var numericTest: DriftTest = .ks
    /// Test for categorical streams (`categorical_test`: chi_square | psi | jensen_shannon; default chi_square).
    public var categoricalTest: DriftTest = .chiSquare
    /// Family-level significance for tests with a p-value (`p_value`, default 0.01, in (0, 1)).
    public var pValue: Double = 0.01
    /// Effect sizes that make a drift a warning, per statistic (`effect_size_warning`).
    public var effectSizeWarning: EffectSizeThresholds = EffectSizeThresholds(
        psi: 0.2,
        wasserstein: 0.1,
        jensenShannon: 0.1
    )
    /// Effect sizes that make a drift critical, per statistic (`effect_size_critical`).
    public var effectSizeCritical: EffectSizeThresholds = EffectSizeThresholds(
        psi: 0.5,
        wasserstein: 0.3,
        jensenShannon: 0.3
    )
    /// From this many current values on, a significant p-value also needs the effect size (`large_window_events`,
    /// default 500).
    public var largeWindowEvents: Int = 500
    /// Multiple-testing correction across the features of a model (`correction`: bh | bonferroni | none; default bh).
    public var correction: CorrectionMethod = .bh
    /// Share of drifted features that makes the whole model drift (`drift_share`, default 0.5, in (0, 1]).
    public var driftShare: Double = 0.5
    /// Fewest non-missing current values before a stream is tested (`min_samples`, default 100).
    public var minSamples: Int = 100

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case numericTest = "numeric_test"
        case categoricalTest = "categorical_test"
        case pValue = "p_value"
        case effectSizeWarning = "effect_size_warning"
        case effectSizeCritical = "effect_size_critical"
        case largeWindowEvents = "large_window_events"
        case correction
        case driftShare = "drift_share"
        case minSamples = "min_samples"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: DriftSettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: DriftSettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, or: base.enabled)
        numericTest = try c.value(.numericTest, or: base.numericTest)
        categoricalTest = try c.value(.categoricalTest, or: base.categoricalTest)
        pValue = try c.value(.pValue, or: base.pValue)
        effectSizeWarning = try c.section(.effectSizeWarning, base: base.effectSizeWarning)
        effectSizeCritical = try c.section(.effectSizeCritical, base: base.effectSizeCritical)
        largeWindowEvents = try c.value(.largeWindowEvents, or: base.largeWindowEvents)
        correction = try c.value(.correction, or: base.correction)
        driftShare = try c.value(.driftShare, or: base.driftShare)
        minSamples = try c.value(.minSamples, or: base.minSamples)
    }
}

/// Effect-size thresholds per statistic.
public struct EffectSizeThresholds: Sendable, Hashable, Codable, LayeredDecodable {
    /// Population stability index (`psi`).
    public var psi: Double
    /// Wasserstein distance divided by the reference standard deviation (`wasserstein`).
    public var wasserstein: Double
    /// Jensen–Shannon distance, natural log (`jensen_shannon`).
    public var jensenShannon: Double

    /// Creates thresholds.
    /// - Parameters:
    ///   - psi: PSI threshold.
    ///   - wasserstein: normalised Wasserstein threshold.
    ///   - jensenShannon: Jensen–Shannon distance threshold.
    public init(psi: Double, wasserstein: Double, jensenShannon: Double) {
        self.psi = psi
        self.wasserstein = wasserstein
        self.jensenShannon = jensenShannon
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case psi
        case wasserstein
        case jensenShannon = "jensen_shannon"
    }

    /// Decodes on top of the warning defaults (PSI 0.2, Wasserstein 0.1, JS 0.1).
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, base: EffectSizeThresholds(psi: 0.2, wasserstein: 0.1, jensenShannon: 0.1))
    }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: EffectSizeThresholds) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        psi = try c.value(.psi, or: base.psi)
        wasserstein = try c.value(.wasserstein, or: base.wasserstein)
        jensenShannon = try c.value(.jensenShannon, or: base.jensenShannon)
    }

    /// The threshold for the statistic that gates (or is) `test`.
    func threshold(gating test: DriftTest) -> Double {
        switch test {
        case .ks, .wasserstein: wasserstein
        case .psi, .chiSquare: psi
        case .jensenShannon: jensenShannon
        }
    }
}

/// Missing-rate shift rules (`missing_rate`): a two-proportion z-test of the missing share, current vs reference.
public struct MissingRateSettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// Whether the rule runs (`enabled`, default true).
    public var enabled: Bool = true
    /// Significance of the two-proportion test (`p_value`, default 0.001).
    public var pValue: Double = 0.001
    /// Smallest absolute rise of the missing share that counts (`min_increase`, default 0.05).
    public var minIncrease: Double = 0.05
    /// Absolute rise that makes it critical (`critical_increase`, default 0.25).
    public var criticalIncrease: Double = 0.25
    /// Fewest current events before testing (`min_samples`, default 100).
    public var minSamples: Int = 100

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case pValue = "p_value"
        case minIncrease = "min_increase"
        case criticalIncrease = "critical_increase"
        case minSamples = "min_samples"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: MissingRateSettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: MissingRateSettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, or: base.enabled)
        pValue = try c.value(.pValue, or: base.pValue)
        minIncrease = try c.value(.minIncrease, or: base.minIncrease)
        criticalIncrease = try c.value(.criticalIncrease, or: base.criticalIncrease)
        minSamples = try c.value(.minSamples, or: base.minSamples)
    }
}

/// Error-rate rules (`error_rate`) over the current window of events.
///
/// Warning when the rate reaches ``warningRate``, or the two-proportion test against the reference rate is
/// significant with a rise of at least ``minIncrease``, or the streaming detector signalled a drift since the last
/// evaluation while the rate is above the reference; critical when the rate reaches ``criticalRate``.
public struct ErrorRateSettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// Whether the rule runs (`enabled`, default true).
    public var enabled: Bool = true
    /// Absolute error rate for a warning (`warning_rate`, default 0.05).
    public var warningRate: Double = 0.05
    /// Absolute error rate for a critical alert (`critical_rate`, default 0.2).
    public var criticalRate: Double = 0.2
    /// Significance of the proportion test against the reference rate (`p_value`, default 0.001).
    public var pValue: Double = 0.001
    /// Smallest rise over the reference rate the proportion test reports (`min_increase`, default 0.02).
    public var minIncrease: Double = 0.02
    /// Streaming detector on the error indicator (`detector`, default hddm_a).
    public var detector: ErrorDetectorChoice = .hddmA
    /// Fewest current events before the window rules apply (`min_samples`, default 100).
    public var minSamples: Int = 100

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case warningRate = "warning_rate"
        case criticalRate = "critical_rate"
        case pValue = "p_value"
        case minIncrease = "min_increase"
        case detector
        case minSamples = "min_samples"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: ErrorRateSettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: ErrorRateSettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, or: base.enabled)
        warningRate = try c.value(.warningRate, or: base.warningRate)
        criticalRate = try c.value(.criticalRate, or: base.criticalRate)
        pValue = try c.value(.pValue, or: base.pValue)
        minIncrease = try c.value(.minIncrease, or: base.minIncrease)
        detector = try c.value(.detector, or: base.detector)
        minSamples = try c.value(.minSamples, or: base.minSamples)
    }
}

/// Latency rules (`latency`): p50/p95/p99 of the events since the last evaluation (a DDSketch) against the
/// reference quantiles, plus a change detector on log-latency.
public struct LatencySettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// Whether the rule runs (`enabled`, default true).
    public var enabled: Bool = true
    /// Largest current/reference ratio over p50, p95 and p99 for a warning (`ratio_warning`, default 1.5).
    public var ratioWarning: Double = 1.5
    /// Ratio for a critical alert (`ratio_critical`, default 3).
    public var ratioCritical: Double = 3
    /// Fewest latencies in the current sketch before comparing (`min_samples`, default 100).
    public var minSamples: Int = 100
    /// DDSketch relative accuracy (`relative_accuracy`, default 0.01).
    public var relativeAccuracy: Double = 0.01
    /// Change detector on `ln(latency µs)` (`change_detector`, default page_hinkley).
    public var changeDetector: LatencyDetectorChoice = .pageHinkley
    /// Page–Hinkley δ on log-latency (`change_delta`, default 0.05: a 5 % shift is tolerated).
    public var changeDelta: Double = 0.05
    /// Page–Hinkley λ (`change_threshold`, default 50).
    public var changeThreshold: Double = 50

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case ratioWarning = "ratio_warning"
        case ratioCritical = "ratio_critical"
        case minSamples = "min_samples"
        case relativeAccuracy = "relative_accuracy"
        case changeDetector = "change_detector"
        case changeDelta = "change_delta"
        case changeThreshold = "change_threshold"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: LatencySettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: LatencySettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, or: base.enabled)
        ratioWarning = try c.value(.ratioWarning, or: base.ratioWarning)
        ratioCritical = try c.value(.ratioCritical, or: base.ratioCritical)
        minSamples = try c.value(.minSamples, or: base.minSamples)
        relativeAccuracy = try c.value(.relativeAccuracy, or: base.relativeAccuracy)
        changeDetector = try c.value(.changeDetector, or: base.changeDetector)
        changeDelta = try c.value(.changeDelta, or: base.changeDelta)
        changeThreshold = try c.value(.changeThreshold, or: base.changeThreshold)
    }
}

/// Traffic rules (`traffic`): request rate over the last ``windowNanoseconds`` of event time against the
/// reference rate, and stalls.
public struct TrafficSettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// Whether the rule runs (`enabled`, default true).
    public var enabled: Bool = true
    /// Rate window (`window`, default 60 s).
    public var windowNanoseconds: Int64 = 60_000_000_000
    /// Current/reference rate at or below which a warning is raised (`drop_warning_ratio`, default 0.5).
    public var dropWarningRatio: Double = 0.5
    /// Ratio at or below which the alert is critical (`drop_critical_ratio`, default 0.1).
    public var dropCriticalRatio: Double = 0.1
    /// No event for this long is a critical stall (`stall_after`, default 120 s; 0 disables).
    public var stallNanoseconds: Int64 = 120_000_000_000
    /// Reference rates below this many events per second are not judged (`min_reference_rate`, default 0.1).
    public var minReferenceRate: Double = 0.1

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case windowNanoseconds = "window"
        case dropWarningRatio = "drop_warning_ratio"
        case dropCriticalRatio = "drop_critical_ratio"
        case stallNanoseconds = "stall_after"
        case minReferenceRate = "min_reference_rate"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: TrafficSettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: TrafficSettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, or: base.enabled)
        windowNanoseconds = try c.duration(.windowNanoseconds, or: base.windowNanoseconds)
        dropWarningRatio = try c.value(.dropWarningRatio, or: base.dropWarningRatio)
        dropCriticalRatio = try c.value(.dropCriticalRatio, or: base.dropCriticalRatio)
        stallNanoseconds = try c.duration(.stallNanoseconds, or: base.stallNanoseconds)
        minReferenceRate = try c.value(.minReferenceRate, or: base.minReferenceRate)
    }

    /// Encodes with durations as text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encodeDuration(windowNanoseconds, forKey: .windowNanoseconds)
        try c.encode(dropWarningRatio, forKey: .dropWarningRatio)
        try c.encode(dropCriticalRatio, forKey: .dropCriticalRatio)
        try c.encodeDuration(stallNanoseconds, forKey: .stallNanoseconds)
        try c.encode(minReferenceRate, forKey: .minReferenceRate)
    }
}

/// Label-based quality rules and the label join (`accuracy`).
///
/// Predictions with a request id wait in a bounded join table until their label arrives (or ``joinTTLNanoseconds``
/// of event time passes, or the table is full and the oldest is evicted). The metric over the last
/// ``windowLabels`` joined labels is compared with the metric over the first ``windowLabels`` joined labels
/// (the reference period) or the baseline's value.
public struct AccuracySettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// Whether labels are joined and judged (`enabled`, default true).
    public var enabled: Bool = true
    /// The metric (`metric`: accuracy | f1 | precision | recall | mae | rmse; default accuracy).
    public var metric: AccuracyMetric = .accuracy
    /// The positive class for precision, recall and F1 (`positive_class`, default none).
    public var positiveClass: String? = nil
    /// Joined labels in the rolling window (`window_labels`, default 500).
    public var windowLabels: Int = 500
    /// Fewest joined labels in the window before judging (`min_labels`, default 100).
    public var minLabels: Int = 100
    /// Drop for a warning (`drop_warning`, default 0.05): absolute for accuracy/F1/precision/recall, relative rise
    /// for MAE/RMSE.
    public var dropWarning: Double = 0.05
    /// Drop for a critical alert (`drop_critical`, default 0.15).
    public var dropCritical: Double = 0.15
    /// How long a prediction waits for its label, in event time (`join_ttl`, default 1 h).
    public var joinTTLNanoseconds: Int64 = 3_600_000_000_000
    /// Most predictions waiting for a label (`max_pending`, default 10 000; the oldest is evicted).
    public var maxPending: Int = 10_000

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case metric
        case positiveClass = "positive_class"
        case windowLabels = "window_labels"
        case minLabels = "min_labels"
        case dropWarning = "drop_warning"
        case dropCritical = "drop_critical"
        case joinTTLNanoseconds = "join_ttl"
        case maxPending = "max_pending"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: AccuracySettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: AccuracySettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, or: base.enabled)
        metric = try c.value(.metric, or: base.metric)
        positiveClass =
            c.contains(.positiveClass) ? try c.decodeIfPresent(String.self, forKey: .positiveClass) : base.positiveClass
        windowLabels = try c.value(.windowLabels, or: base.windowLabels)
        minLabels = try c.value(.minLabels, or: base.minLabels)
        dropWarning = try c.value(.dropWarning, or: base.dropWarning)
        dropCritical = try c.value(.dropCritical, or: base.dropCritical)
        joinTTLNanoseconds = try c.duration(.joinTTLNanoseconds, or: base.joinTTLNanoseconds)
        maxPending = try c.value(.maxPending, or: base.maxPending)
    }

    /// Encodes with durations as text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(metric, forKey: .metric)
        try c.encodeIfPresent(positiveClass, forKey: .positiveClass)
        try c.encode(windowLabels, forKey: .windowLabels)
        try c.encode(minLabels, forKey: .minLabels)
        try c.encode(dropWarning, forKey: .dropWarning)
        try c.encode(dropCritical, forKey: .dropCritical)
        try c.encodeDuration(joinTTLNanoseconds, forKey: .joinTTLNanoseconds)
        try c.encode(maxPending, forKey: .maxPending)
    }
}

/// Custom metric anomaly detection (`custom_metrics`): a ``RobustAnomalyDetector`` per metric name.
public struct CustomMetricSettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// Whether custom metrics are scored (`enabled`, default false: O(window) per value).
    public var enabled: Bool = false
    /// Sliding window in observations (`window_size`, default 512).
    public var windowSize: Int = 512
    /// Robust z threshold (`threshold`, default 5).
    public var threshold: Double = 5
    /// Observations after an alarm during which no new alarm is raised (`refractory_period`, default 200).
    public var refractoryPeriod: Int = 200
    /// Observations before the first possible alarm (`warm_up`, default 150).
    public var warmUp: Int = 150
    /// Most custom metrics watched per model (`max_metrics`, default 16).
    public var maxMetrics: Int = 16

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case windowSize = "window_size"
        case threshold
        case refractoryPeriod = "refractory_period"
        case warmUp = "warm_up"
        case maxMetrics = "max_metrics"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: CustomMetricSettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: CustomMetricSettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, or: base.enabled)
        windowSize = try c.value(.windowSize, or: base.windowSize)
        threshold = try c.value(.threshold, or: base.threshold)
        refractoryPeriod = try c.value(.refractoryPeriod, or: base.refractoryPeriod)
        warmUp = try c.value(.warmUp, or: base.warmUp)
        maxMetrics = try c.value(.maxMetrics, or: base.maxMetrics)
    }
}

/// Alert lifecycle timing and severities (`alerts`), as Prometheus rules and Alertmanager use them.
public struct LifecycleSettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// How long a condition must hold (pending) before the alert fires (`for`, default 30 s; 0 fires at once).
    public var forNanoseconds: Int64 = 30_000_000_000
    /// How long a firing alert stays firing after its condition clears (`keep_firing_for`, default 60 s).
    public var keepFiringForNanoseconds: Int64 = 60_000_000_000
    /// A firing alert is re-sent after this long (`repeat_interval`, default 1 h; 0 never repeats).
    public var repeatIntervalNanoseconds: Int64 = 3_600_000_000_000
    /// Severity forced per alert kind (`severity`, e.g. `{latency: critical}`; default none).
    public var severityOverrides: [String: AlertSeverityChoice] = [:]
    /// Kinds that never raise alerts (`disabled_kinds`, e.g. `[traffic]`; default none).
    public var disabledKinds: [String] = []
    /// Whether `pending` and `cancelled` changes are returned as notifications (`notify_pending`, default false:
    /// as in Prometheus, only firing, repeat, severity changes and resolutions are delivered; pending alerts are
    /// visible in snapshots).
    public var notifyPending: Bool = false

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case forNanoseconds = "for"
        case keepFiringForNanoseconds = "keep_firing_for"
        case repeatIntervalNanoseconds = "repeat_interval"
        case severityOverrides = "severity"
        case disabledKinds = "disabled_kinds"
        case notifyPending = "notify_pending"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: LifecycleSettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: LifecycleSettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        forNanoseconds = try c.duration(.forNanoseconds, or: base.forNanoseconds)
        keepFiringForNanoseconds = try c.duration(.keepFiringForNanoseconds, or: base.keepFiringForNanoseconds)
        repeatIntervalNanoseconds = try c.duration(.repeatIntervalNanoseconds, or: base.repeatIntervalNanoseconds)
        severityOverrides = try c.value(.severityOverrides, or: base.severityOverrides)
        disabledKinds = try c.value(.disabledKinds, or: base.disabledKinds)
        notifyPending = try c.value(.notifyPending, or: base.notifyPending)
    }

    /// Encodes with durations as text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeDuration(forNanoseconds, forKey: .forNanoseconds)
        try c.encodeDuration(keepFiringForNanoseconds, forKey: .keepFiringForNanoseconds)
        try c.encodeDuration(repeatIntervalNanoseconds, forKey: .repeatIntervalNanoseconds)
        try c.encode(severityOverrides, forKey: .severityOverrides)
        try c.encode(disabledKinds, forKey: .disabledKinds)
        try c.encode(notifyPending, forKey: .notifyPending)
    }
}

/// A severity as written in configuration files (`warning` or `critical`).
public enum AlertSeverityChoice: String, Sendable, Hashable, Codable, CaseIterable {
    /// Warning.
    case warning
    /// Critical.
    case critical
}

/// Per-feature settings (`features: {name_or_glob: {…}}`); absent keys keep the model's settings.
public struct FeatureOverride: Sendable, Hashable, Codable, LayeredDecodable {
    /// Skip the feature entirely (`disabled`, default false).
    public var disabled: Bool = false
    /// The test for this feature (`test`; must suit the feature's kind, else the model's test is used).
    public var test: DriftTest? = nil
    /// Significance for this feature (`p_value`).
    public var pValue: Double? = nil
    /// Effect size for a warning, on the statistic that gates the test (`effect_size_warning`).
    public var effectSizeWarning: Double? = nil
    /// Effect size for a critical alert (`effect_size_critical`).
    public var effectSizeCritical: Double? = nil
    /// Fewest current values before testing (`min_samples`).
    public var minSamples: Int? = nil

    /// An override that changes nothing.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case disabled
        case test
        case pValue = "p_value"
        case effectSizeWarning = "effect_size_warning"
        case effectSizeCritical = "effect_size_critical"
        case minSamples = "min_samples"
    }

    /// Decodes on top of an empty override.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: FeatureOverride()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: FeatureOverride) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        disabled = try c.value(.disabled, or: base.disabled)
        test = try c.decodeIfPresent(DriftTest.self, forKey: .test) ?? base.test
        pValue = try c.decodeIfPresent(Double.self, forKey: .pValue) ?? base.pValue
        effectSizeWarning = try c.decodeIfPresent(Double.self, forKey: .effectSizeWarning) ?? base.effectSizeWarning
        effectSizeCritical = try c.decodeIfPresent(Double.self, forKey: .effectSizeCritical) ?? base.effectSizeCritical
        minSamples = try c.decodeIfPresent(Int.self, forKey: .minSamples) ?? base.minSamples
    }
}
