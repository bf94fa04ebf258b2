/// Everything that decides what the engine watches for one model and when it raises an alert.
///
/// Every field has a documented default (``init()``), so a YAML file lists only what it changes; the keys are
/// snake_case and map 1:1 to the YAML reference in `docs/engine.md`. Decoding is layered
/// (``init(from:base:)``): an absent key keeps the base's value, an unknown key is an error naming its path.
/// Durations are event-time nanoseconds in Swift and `30s`-style strings (or integer nanoseconds) in files.
public struct MonitorConfiguration: Sendable, Hashable, Codable, LayeredDecodable {
    /// Evaluate the model after this many events (`evaluate_every_events`, default 1 000; 0 disables).
    public var evaluateEveryEvents: Int = 1000
    /// Evaluate the model when this much event time has passed since the last evaluation
    /// (`evaluate_every`, default 10 s; 0 disables).
    public var evaluateEveryNanoseconds: Int64 = 10_000_000_000
    /// Where the reference distributions come from (`reference`, default the first 1 000 events).
    public var reference: ReferencePolicy = .firstEvents(1000)
    /// Events in the current (rolling) window compared with the reference (`current_window_events`, default 1 000).
    public var currentWindowEvents: Int = 1000
    /// Values kept per numeric feature in a reference sample (`reference_sample_size`, default 1 000).
    public var referenceSampleSize: Int = 1000
    /// Equal-frequency bins for PSI and Jensen–Shannon on numeric streams (`bins`, default 10).
    public var bins: Int = 10
    /// Feature drift rules (`data_drift`).
    public var dataDrift: DriftSettings = DriftSettings()
    /// Missing-rate shift rules (`missing_rate`).
    public var missingRate: MissingRateSettings = MissingRateSettings()
    /// Prediction drift rules (`prediction_drift`).
    public var predictionDrift: DriftSettings = DriftSettings()
    /// Error-rate rules (`error_rate`).
    public var errorRate: ErrorRateSettings = ErrorRateSettings()
    /// Latency rules (`latency`).
    public var latency: LatencySettings = LatencySettings()
    /// Traffic rules (`traffic`).
    public var traffic: TrafficSettings = TrafficSettings()
    /// Label-based quality rules and the label join (`accuracy`).
    public var accuracy: AccuracySettings = AccuracySettings()
    /// Custom metric anomaly detection (`custom_metrics`).
    public var customMetrics: CustomMetricSettings = CustomMetricSettings()
    /// Alert lifecycle timing and severities (`alerts`).
    public var lifecycle: LifecycleSettings = LifecycleSettings()
    /// When firing alerts become a retraining trigger (`retrain`; off by default).
    public var retrain: TriggerPolicy = TriggerPolicy()
    /// What is kept of request ids and feature values (`privacy`; everything by default).
    public var privacy: PrivacySettings = PrivacySettings()
    /// Per-feature overrides by exact feature name or glob (`features`).
    public var features: [String: FeatureOverride] = [:]

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case evaluateEveryEvents = "evaluate_every_events"
        case evaluateEveryNanoseconds = "evaluate_every"
        case reference
        case currentWindowEvents = "current_window_events"
        case referenceSampleSize = "reference_sample_size"
        case bins
        case dataDrift = "data_drift"
        case missingRate = "missing_rate"
        case predictionDrift = "prediction_drift"
        case errorRate = "error_rate"
        case latency
        case traffic
        case accuracy
        case customMetrics = "custom_metrics"
        case lifecycle = "alerts"
        case retrain
        case privacy
        case features
    }

    /// Decodes on top of the defaults.
    /// - Throws: `DecodingError` naming the key for a wrong type, invalid value or unknown key.
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, base: MonitorConfiguration())
    }

    /// Decodes on top of `base` (absent keys keep the base's values; `features` entries are merged by name).
    /// - Throws: `DecodingError` naming the key for a wrong type, invalid value or unknown key.
    public init(from decoder: any Decoder, base: MonitorConfiguration) throws {
        try self.init(from: decoder, base: base, allowing: [])
    }

    /// Decodes on top of `base`, tolerating the `extra` keys (a pattern section's `match`).
    init(from decoder: any Decoder, base: MonitorConfiguration, allowing extra: [String]) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, allowing: extra)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evaluateEveryEvents = try c.value(.evaluateEveryEvents, or: base.evaluateEveryEvents)
        evaluateEveryNanoseconds = try c.duration(.evaluateEveryNanoseconds, or: base.evaluateEveryNanoseconds)
        reference = try c.value(.reference, or: base.reference)
        currentWindowEvents = try c.value(.currentWindowEvents, or: base.currentWindowEvents)
        referenceSampleSize = try c.value(.referenceSampleSize, or: base.referenceSampleSize)
        bins = try c.value(.bins, or: base.bins)
        dataDrift = try c.section(.dataDrift, base: base.dataDrift)
        missingRate = try c.section(.missingRate, base: base.missingRate)
        predictionDrift = try c.section(.predictionDrift, base: base.predictionDrift)
        errorRate = try c.section(.errorRate, base: base.errorRate)
        latency = try c.section(.latency, base: base.latency)
        traffic = try c.section(.traffic, base: base.traffic)
        accuracy = try c.section(.accuracy, base: base.accuracy)
        customMetrics = try c.section(.customMetrics, base: base.customMetrics)
        lifecycle = try c.section(.lifecycle, base: base.lifecycle)
        retrain = try c.section(.retrain, base: base.retrain)
        privacy = try c.section(.privacy, base: base.privacy)
        features = base.features
        if c.contains(.features) {
            let map = try c.nestedContainer(keyedBy: DynamicCodingKey.self, forKey: .features)
            for key in map.allKeys {
                let previous = features[key.stringValue] ?? FeatureOverride()
                features[key.stringValue] = try FeatureOverride(
                    from: try map.superDecoder(forKey: key),
                    base: previous
                )
            }
        }
    }

    /// Encodes with durations as text (`30s`), so the output decodes back to the same value.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(evaluateEveryEvents, forKey: .evaluateEveryEvents)
        try c.encodeDuration(evaluateEveryNanoseconds, forKey: .evaluateEveryNanoseconds)
        try c.encode(reference, forKey: .reference)
        try c.encode(currentWindowEvents, forKey: .currentWindowEvents)
        try c.encode(referenceSampleSize, forKey: .referenceSampleSize)
        try c.encode(bins, forKey: .bins)
        try c.encode(dataDrift, forKey: .dataDrift)
        try c.encode(missingRate, forKey: .missingRate)
        try c.encode(predictionDrift, forKey: .predictionDrift)
        try c.encode(errorRate, forKey: .errorRate)
        try c.encode(latency, forKey: .latency)
        try c.encode(traffic, forKey: .traffic)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(customMetrics, forKey: .customMetrics)
        try c.encode(lifecycle, forKey: .lifecycle)
        try c.encode(retrain, forKey: .retrain)
        try c.encode(privacy, forKey: .privacy)
        try c.encode(features, forKey: .features)
    }

    /// The override for a feature: the exact name first, then the most specific matching glob key (the longest;
    /// ties in key order), else nil.
    /// - Parameter feature: the feature name.
    /// - Returns: the override that applies, if any.
    public func featureOverride(for feature: String) -> FeatureOverride? {
        if let exact = features[feature] { return exact }
        let globs = features.keys.sorted { $0.count > $1.count || ($0.count == $1.count && $0 < $1) }
        for key in globs where GlobPattern(key).hasWildcards && GlobPattern(key).matches(feature) {
            return features[key]
        }
        return nil
    }
}
