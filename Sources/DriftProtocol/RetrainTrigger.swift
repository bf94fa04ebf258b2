/// A retraining trigger, as delivered to the training system (JSON; field names in `docs/protocol.md`).
///
/// ``id`` is an idempotency key: a training system that sees the same id twice must start one retraining only.
public struct RetrainTrigger: Sendable, Hashable, Codable {
    /// The trigger id (idempotency key).
    public var id: String
    /// The model name.
    public var model: String
    /// The model version that should be replaced.
    public var modelVersion: String
    /// Why retraining is asked for, in one sentence.
    public var reason: String
    /// When the trigger was created (event time, ns since the Unix epoch).
    public var createdAt: Int64
    /// The evidence of the alert that caused the trigger.
    public var evidence: AlertEvidence
    /// The ids of the alerts behind the trigger.
    public var alertIDs: [String]
    /// The event-time range of recent data a retraining should use.
    public var dataWindow: TimeRange
    /// What created the trigger: `policy` (the model's `retrain` policy) or `manual` (`driftwatch trigger`).
    public var source: String?
    /// The full bodies of the alerts behind the trigger, each with its own evidence.
    public var alerts: [Alert]?
    /// Every monitored feature's statistics, p-values and thresholds when the trigger was created.
    public var features: [FeatureEvidence]?

    /// Creates a trigger.
    /// - Parameters:
    ///   - id: the idempotency key.
    ///   - model: the model name.
    ///   - modelVersion: the model version.
    ///   - reason: a one-sentence reason.
    ///   - createdAt: ns since the epoch.
    ///   - evidence: the evidence.
    ///   - alertIDs: the alerts behind the trigger.
    ///   - dataWindow: the event-time range to train on.
    ///   - source: `policy` or `manual`, if known.
    ///   - alerts: the alert bodies behind the trigger, if included.
    ///   - features: per-feature statistics, if included.
    public init(
        id: String,
        model: String,
        modelVersion: String,
        reason: String,
        createdAt: Int64,
        evidence: AlertEvidence,
        alertIDs: [String],
        dataWindow: TimeRange,
        source: String? = nil,
        alerts: [Alert]? = nil,
        features: [FeatureEvidence]? = nil
    ) {
        self.id = id
        self.model = model
        self.modelVersion = modelVersion
        self.reason = reason
        self.createdAt = createdAt
        self.evidence = evidence
        self.alertIDs = alertIDs
        self.dataWindow = dataWindow
        self.source = source
        self.alerts = alerts
        self.features = features
    }

    enum CodingKeys: String, CodingKey {
        case id = "trigger_id"
        case model
        case modelVersion = "model_version"
        case reason
        case createdAt = "created_at_ns"
        case evidence
        case alertIDs = "alert_ids"
        case dataWindow = "data_window"
        case source
        case alerts
        case features
    }
}
