import DriftProtocol

/// A rule's verdict at one evaluation: the condition for one alert holds, with this severity and evidence.
struct AlertCondition: Sendable, Hashable, Codable {
    /// The alert kind.
    var kind: AlertKind
    /// The feature (or metric), nil for model-level alerts.
    var feature: String?
    /// The severity.
    var severity: AlertSeverity
    /// A one-sentence summary.
    var summary: String
    /// The evidence.
    var evidence: AlertEvidence
}
