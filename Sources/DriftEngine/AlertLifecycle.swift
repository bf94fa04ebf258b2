import DriftProtocol

/// The lifecycle of one alert (one fingerprint), as Prometheus rules and Alertmanager run it: inactive →
/// pending (for `for`) → firing → resolved after the condition stays clear for `keep_firing_for`; a firing alert
/// is re-sent every `repeat_interval` and when its severity changes. Each step returns what changed; the engine
/// turns it into an ``AlertNotification``. Deduplication is the fingerprint: one lifecycle per fingerprint.
struct AlertLifecycle: Sendable, Hashable, Codable {
    /// The fingerprint.
    let id: String
    /// The model.
    let model: String
    /// The model version.
    let version: String
    /// The kind.
    let kind: AlertKind
    /// The feature, if any.
    let feature: String?
    /// The state machine.
    private(set) var state: State = .inactive
    /// The latest body (for snapshots and notifications), nil before the first activation.
    private(set) var alert: Alert?

    init(id: String, model: String, version: String, kind: AlertKind, feature: String?) {
        self.id = id
        self.model = model
        self.version = version
        self.kind = kind
        self.feature = feature
    }

    /// Feeds the rule's verdict at `now`.
    /// - Parameters:
    ///   - condition: the condition if it holds, else nil.
    ///   - now: the evaluation's event time (ns).
    ///   - settings: lifecycle timing.
    /// - Returns: the notification to emit, if anything changed.
    mutating func step(
        _ condition: AlertCondition?,
        at now: Int64,
        settings: LifecycleSettings
    ) -> AlertNotification? {
        let action = state.step(
            holds: condition != nil,
            severity: condition?.severity,
            at: now,
            settings: settings
        )
        switch action {
        case .none:
            if let condition, alert != nil {
                // Keep the evidence fresh without notifying.
                update(condition, state: state.alertState, at: now)
            }
            return nil
        case .notify(let change):
            let startedAt = state.startedAt ?? now
            if let condition {
                update(condition, state: state.alertState, at: now, startedAt: startedAt)
            } else {
                alert?.updatedAt = now
                alert?.state = .resolved
                alert?.resolvedAt = now
            }
            guard let alert else { return nil }
            if (change == .pending || change == .cancelled) && !settings.notifyPending { return nil }
            return AlertNotification(change: change, alert: alert)
        }
    }

    /// Whether the lifecycle holds no active alert (inactive or resolved).
    var isIdle: Bool { state.isIdle }

    private mutating func update(_ condition: AlertCondition, state: AlertState, at now: Int64, startedAt: Int64? = nil)
    {
        let started = startedAt ?? alert?.startedAt ?? now
        alert = Alert(
            id: id,
            model: model,
            modelVersion: version,
            kind: kind,
            feature: feature,
            state: state,
            severity: condition.severity,
            startedAt: started,
            updatedAt: now,
            resolvedAt: nil,
            summary: condition.summary,
            evidence: condition.evidence
        )
    }
}
