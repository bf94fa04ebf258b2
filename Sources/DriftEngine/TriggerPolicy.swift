import DriftProtocol

/// When firing alerts become a retraining trigger for a model version (`retrain` in the YAML configuration).
///
/// An alert *qualifies* when it is firing, its kind is in ``kinds``, its severity is at least ``minSeverity`` and
/// it has been firing for ``firingForNanoseconds``. Qualifying alerts of one kind *count* when that kind's evidence
/// bar is met: for `data_drift`, at least ``minDriftedFeatures`` distinct features have a qualifying alert; for
/// `accuracy_drop`, the drop of the quality metric reaches ``minAccuracyDrop``; for `error_rate`, the error rate
/// reaches ``minErrorRate``; any other listed kind counts as soon as it qualifies. A trigger is created when some
/// kind counts and at least one of its alerts' firing episodes has not led to a trigger yet, unless the last trigger
/// of the model version is younger than ``cooldownNanoseconds`` or ``maxPerDay`` triggers were created in the last
/// 24 hours of event time (the trigger then waits; it is created when the limit allows, if the alerts still fire).
public struct TriggerPolicy: Sendable, Hashable, Codable, LayeredDecodable {
    /// Whether the policy creates triggers (`enabled`, default false).
    public var enabled: Bool = false
    /// Alert kinds that count (`kinds`, default `[data_drift, prediction_drift, accuracy_drop]`).
    public var kinds: [String] = [
        AlertKind.dataDrift.rawValue, AlertKind.predictionDrift.rawValue, AlertKind.accuracyDrop.rawValue,
    ]
    /// The lowest severity that counts (`min_severity`, default warning).
    public var minSeverity: AlertSeverityChoice = .warning
    /// How long an alert must have been firing (`firing_for`, default 0: at once).
    public var firingForNanoseconds: Int64 = 0
    /// Distinct drifted features needed for `data_drift` to count (`min_drifted_features`, default 1).
    public var minDriftedFeatures: Int = 1
    /// Drop of the quality metric needed for `accuracy_drop` to count (`min_accuracy_drop`, default 0: any firing
    /// accuracy alert). Absolute for accuracy, precision, recall and F1; relative for MAE and RMSE.
    public var minAccuracyDrop: Double = 0
    /// Error rate needed for `error_rate` to count (`min_error_rate`, default 0: any firing error-rate alert).
    public var minErrorRate: Double = 0
    /// Least event time between two triggers of one model version (`cooldown`, default 6 h).
    public var cooldownNanoseconds: Int64 = 21_600_000_000_000
    /// Most triggers of one model version in any 24 hours of event time (`max_per_day`, default 4).
    public var maxPerDay: Int = 4

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case kinds
        case minSeverity = "min_severity"
        case firingForNanoseconds = "firing_for"
        case minDriftedFeatures = "min_drifted_features"
        case minAccuracyDrop = "min_accuracy_drop"
        case minErrorRate = "min_error_rate"
        case cooldownNanoseconds = "cooldown"
        case maxPerDay = "max_per_day"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: TriggerPolicy()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: TriggerPolicy) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.value(.enabled, or: base.enabled)
        kinds = try c.value(.kinds, or: base.kinds)
        minSeverity = try c.value(.minSeverity, or: base.minSeverity)
        firingForNanoseconds = try c.duration(.firingForNanoseconds, or: base.firingForNanoseconds)
        minDriftedFeatures = try c.value(.minDriftedFeatures, or: base.minDriftedFeatures)
        minAccuracyDrop = try c.value(.minAccuracyDrop, or: base.minAccuracyDrop)
        minErrorRate = try c.value(.minErrorRate, or: base.minErrorRate)
        cooldownNanoseconds = try c.duration(.cooldownNanoseconds, or: base.cooldownNanoseconds)
        maxPerDay = try c.value(.maxPerDay, or: base.maxPerDay)
    }

    /// Encodes with durations as text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(kinds, forKey: .kinds)
        try c.encode(minSeverity, forKey: .minSeverity)
        try c.encodeDuration(firingForNanoseconds, forKey: .firingForNanoseconds)
        try c.encode(minDriftedFeatures, forKey: .minDriftedFeatures)
        try c.encode(minAccuracyDrop, forKey: .minAccuracyDrop)
        try c.encode(minErrorRate, forKey: .minErrorRate)
        try c.encodeDuration(cooldownNanoseconds, forKey: .cooldownNanoseconds)
        try c.encode(maxPerDay, forKey: .maxPerDay)
    }

    /// Problems with this policy, key paths relative to `retrain`.
    func validate() -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        let known = Set(AlertKind.allCases.map(\.rawValue))
        if kinds.isEmpty {
            problems.append(ConfigurationProblem(keyPath: "kinds", message: "must list at least one alert kind"))
        }
        for kind in kinds where !known.contains(kind) {
            problems.append(
                ConfigurationProblem(
                    keyPath: "kinds",
                    message:
                        "contains '\(kind)', not an alert kind (expected \(known.sorted().joined(separator: ", ")))"
                )
            )
        }
        if minDriftedFeatures < 1 {
            problems.append(ConfigurationProblem(keyPath: "min_drifted_features", message: "must be at least 1"))
        }
        if !(minAccuracyDrop >= 0 && minAccuracyDrop.isFinite) {
            problems.append(ConfigurationProblem(keyPath: "min_accuracy_drop", message: "must be a finite number ≥ 0"))
        }
        if !(minErrorRate >= 0 && minErrorRate <= 1) {
            problems.append(ConfigurationProblem(keyPath: "min_error_rate", message: "must be in [0, 1]"))
        }
        if maxPerDay < 1 {
            problems.append(ConfigurationProblem(keyPath: "max_per_day", message: "must be at least 1"))
        }
        return problems
    }

    /// Whether `severity` reaches ``minSeverity``.
    func admits(_ severity: AlertSeverity) -> Bool {
        minSeverity == .warning || severity == .critical
    }
}
