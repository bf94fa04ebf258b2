/// What an alert is about.
public enum AlertKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A feature's distribution moved away from the reference.
    case dataDrift = "data_drift"
    /// The prediction distribution moved away from the reference.
    case predictionDrift = "prediction_drift"
    /// Accuracy (or another label-based quality measure) dropped.
    case accuracyDrop = "accuracy_drop"
    /// The share of error outcomes rose.
    case errorRate = "error_rate"
    /// Latency rose.
    case latency
    /// Request rate dropped or stalled.
    case traffic
    /// A custom metric moved.
    case customMetric = "custom_metric"
    /// An anomaly detector fired.
    case anomaly
}

/// Where an alert is in its lifecycle (as in Prometheus/Alertmanager).
public enum AlertState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The condition holds but has not lasted its `for` duration yet.
    case pending
    /// The condition has held long enough; the alert is delivered.
    case firing
    /// The condition no longer holds.
    case resolved
}

/// How urgent an alert is.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    /// Look at it during working hours.
    case warning
    /// Act now.
    case critical
}

/// An alert body, as published to subscribers and webhooks (JSON; field names in `docs/protocol.md`).
///
/// Timestamps are nanoseconds since the Unix epoch (UTC) so that they are exact and language-neutral. Optional
/// fields are omitted from the JSON when absent.
public struct Alert: Sendable, Hashable, Codable {
    /// The alert's fingerprint: stable for the same model, version, kind and feature, so it deduplicates.
    public var id: String
    /// The model name.
    public var model: String
    /// The model version.
    public var modelVersion: String
    /// `model@version` for readable lines, or the model alone when it has no version.
    public var modelAndVersion: String { modelVersion.isEmpty ? model : "\(model)@\(modelVersion)" }
    /// What the alert is about.
    public var kind: AlertKind
    /// The feature concerned, for per-feature kinds.
    public var feature: String?
    /// The lifecycle state.
    public var state: AlertState
    /// The severity.
    public var severity: AlertSeverity
    /// When the condition first held (event time, ns).
    public var startedAt: Int64
    /// When the alert last changed or was re-evaluated (event time, ns).
    public var updatedAt: Int64
    /// When the alert resolved (event time, ns), if it has.
    public var resolvedAt: Int64?
    /// A one-sentence human summary.
    public var summary: String
    /// The statistical evidence.
    public var evidence: AlertEvidence

    /// Creates an alert body.
    /// - Parameters:
    ///   - id: the fingerprint.
    ///   - model: the model name.
    ///   - modelVersion: the model version.
    ///   - kind: what the alert is about.
    ///   - feature: the feature concerned, if any.
    ///   - state: the lifecycle state.
    ///   - severity: the severity.
    ///   - startedAt: ns since the epoch.
    ///   - updatedAt: ns since the epoch.
    ///   - resolvedAt: ns since the epoch, if resolved.
    ///   - summary: a human summary.
    ///   - evidence: the statistical evidence.
    public init(
        id: String,
        model: String,
        modelVersion: String,
        kind: AlertKind,
        feature: String? = nil,
        state: AlertState,
        severity: AlertSeverity,
        startedAt: Int64,
        updatedAt: Int64,
        resolvedAt: Int64? = nil,
        summary: String,
        evidence: AlertEvidence
    ) {
        self.id = id
        self.model = model
        self.modelVersion = modelVersion
        self.kind = kind
        self.feature = feature
        self.state = state
        self.severity = severity
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.resolvedAt = resolvedAt
        self.summary = summary
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case id
        case model
        case modelVersion = "model_version"
        case kind
        case feature
        case state
        case severity
        case startedAt = "started_at_ns"
        case updatedAt = "updated_at_ns"
        case resolvedAt = "resolved_at_ns"
        case summary
        case evidence
    }
}
