import DriftProtocol

/// Turns alert notifications into retraining-trigger decisions by each model's ``TriggerPolicy``.
///
/// Pure and deterministic like ``MonitorEngine``: it is fed the engine's notifications (``observe(_:)``) and event
/// time (``evaluate(at:resolver:snapshot:)``), reads no clock and does no I/O, so the collector, a replay and a
/// backtest make the same decisions. It remembers, per model version, the alerts firing now (and since when), which
/// firing episodes already led to a trigger, and the creation times of the triggers of the last 24 hours (for
/// `cooldown` and `max_per_day`). It is `Codable`: the collector saves it in the same transaction as the triggers it
/// decides, so a restart neither forgets a cooldown nor triggers the same episode twice.
///
/// Trigger ids are stable: FNV-1a 64 of the model, the version and the (alert id, firing start) pairs behind the
/// trigger, so the same episode decided again (e.g. after a crash) yields the same id, which receivers deduplicate.
/// - Complexity: ``evaluate(at:resolver:snapshot:)`` is O(firing alerts + models with firing alerts); memory is
///   O(firing alerts + triggers of the last day).
public struct TriggerEvaluator: Sendable, Codable, Hashable {
    /// One firing alert as the evaluator sees it.
    struct Active: Sendable, Codable, Hashable {
        var alert: Alert
        /// Event time of the `firing` notification.
        var firingSince: Int64
        /// Whether this firing episode already led to a trigger.
        var consumed: Bool
    }

    /// What the evaluator keeps per model version.
    struct ModelState: Sendable, Codable, Hashable {
        var key: ModelKey
        var active: [String: Active] = [:]
        /// Creation times of the triggers of the last 24 hours, oldest first.
        var recent: [Int64] = []
        /// The last suppression reported, so a held-back trigger is reported once, not at every evaluation.
        var reported: TriggerDecision.Suppression?
        /// While held back: the event time at which the limit that holds it expires (nothing to decide before).
        var heldUntil: Int64?

        var lastTrigger: Int64? { recent.last }
    }

    /// 24 hours in nanoseconds: the window of `max_per_day`.
    public static let day: Int64 = 86_400_000_000_000

    private var models: [ModelKey: ModelState] = [:]
    private var now: Int64 = .min

    /// An evaluator that has seen nothing.
    public init() {}

    /// Updates the view of firing alerts: `firing` adds an alert, `repeat` and `severity_changed` update it,
    /// `resolved` and `cancelled` remove it (its next firing is a new episode).
    /// - Parameter notifications: the engine's notifications, in order.
    public mutating func observe(_ notifications: [AlertNotification]) {
        for notification in notifications {
            let alert = notification.alert
            let key = ModelKey(model: alert.model, version: alert.modelVersion)
            switch notification.change {
            case .firing, .repeated, .severityChanged:
                var state = models[key] ?? ModelState(key: key)
                if var known = state.active[alert.id] {
                    known.alert = alert
                    state.active[alert.id] = known
                } else if alert.state == .firing {
                    state.active[alert.id] = Active(alert: alert, firingSince: alert.updatedAt, consumed: false)
                }
                models[key] = state
            case .resolved, .cancelled:
                models[key]?.active[alert.id] = nil
                if models[key]?.active.isEmpty == true { models[key]?.reported = nil }
            case .pending:
                break
            }
        }
    }

    /// Applies every model's policy at `eventTime`.
    /// - Parameters:
    ///   - eventTime: ns since the epoch; an earlier time than one seen before is treated as that time.
    ///   - resolver: the configuration in force (each model's `retrain` section).
    ///   - snapshot: the engine's snapshot, for accuracy drops and the per-feature statistics in the payload.
    /// - Returns: triggers to create and suppressions to report, model versions in order.
    public mutating func evaluate(
        at eventTime: Int64,
        resolver: ConfigurationResolver,
        snapshot: EngineSnapshot? = nil
    ) -> [TriggerDecision] {
        guard !models.isEmpty else {
            now = max(now, eventTime)
            return []
        }
        let figures = Dictionary(
            (snapshot?.models ?? []).map { (ModelKey(model: $0.model, version: $0.version), $0) },
            uniquingKeysWith: { first, _ in first }
        )
        return evaluate(at: eventTime, resolver: resolver, figures: { figures[$0] })
    }

    /// Whether some firing alert's episode has not led to a trigger yet (and no limit holds its model version back
    /// as of the last evaluation): only then can an evaluation create one, so the collector evaluates after every
    /// batch while this holds (a fast replay may fire and resolve an alert between two clock ticks).
    /// - Complexity: O(firing alerts).
    public var hasUnconsumedAlerts: Bool {
        models.values.contains { state in
            (state.heldUntil.map { now >= $0 } ?? true) && state.active.values.contains { !$0.consumed }
        }
    }

    /// Applies every model's policy at `eventTime`, asking `figures` for a model version's snapshot only when it is
    /// needed (an accuracy-drop bar, or the payload of a trigger).
    /// - Parameters:
    ///   - eventTime: ns since the epoch; an earlier time than one seen before is treated as that time.
    ///   - resolver: the configuration in force (each model's `retrain` section).
    ///   - figures: the snapshot of a model version, if known.
    /// - Returns: triggers to create and suppressions to report, model versions in order.
    public mutating func evaluate(
        at eventTime: Int64,
        resolver: ConfigurationResolver,
        figures: (ModelKey) -> ModelSnapshot?
    ) -> [TriggerDecision] {
        now = max(now, eventTime)
        var decisions: [TriggerDecision] = []
        for key in models.keys.sorted() {
            guard var state = models[key] else { continue }
            if let held = state.heldUntil, now < held { continue }
            state.recent.removeAll { now - $0 >= Self.day }
            defer { models[key] = state.active.isEmpty && state.recent.isEmpty ? nil : state }
            let configuration = resolver.configuration(forModel: key.model)
            let policy = configuration.retrain
            guard policy.enabled else { continue }
            let needsFigures = state.active.values.contains { $0.alert.kind == .accuracyDrop }
            let contributing = Self.contributing(
                state,
                policy: policy,
                figures: needsFigures ? figures(key) : nil,
                now: now
            )
            guard contributing.contains(where: { state.active[$0.id]?.consumed == false }) else { continue }
            let suppression: TriggerDecision.Suppression?
            if let last = state.lastTrigger, now - last < policy.cooldownNanoseconds {
                suppression = .cooldown
            } else if state.recent.count >= policy.maxPerDay {
                suppression = .dailyLimit
            } else {
                suppression = nil
            }
            if let suppression {
                state.heldUntil =
                    suppression == .cooldown
                    ? (state.lastTrigger ?? now) + policy.cooldownNanoseconds
                    : (state.recent.first ?? now) + Self.day
                if state.reported != suppression {
                    state.reported = suppression
                    decisions.append(.suppressed(model: key.model, version: key.version, reason: suppression))
                }
                continue
            }
            let trigger = Self.makeTrigger(
                key: key,
                contributing: contributing.map {
                    state.active[$0.id] ?? Active(alert: $0, firingSince: now, consumed: true)
                },
                at: now,
                configuration: configuration,
                figures: figures(key)
            )
            for alert in contributing { state.active[alert.id]?.consumed = true }
            state.recent.append(now)
            state.reported = nil
            state.heldUntil = nil
            decisions.append(.fire(trigger))
        }
        return decisions
    }

    /// Records a trigger created outside the policy (`driftwatch trigger`): it starts a cooldown and counts toward
    /// `max_per_day`, and the alerts firing now are treated as acted upon.
    /// - Parameter trigger: the manual trigger.
    public mutating func recordManual(_ trigger: RetrainTrigger) {
        let key = ModelKey(model: trigger.model, version: trigger.modelVersion)
        now = max(now, trigger.createdAt)
        var state = models[key] ?? ModelState(key: key)
        state.recent.append(trigger.createdAt)
        state.recent.sort()
        for id in state.active.keys { state.active[id]?.consumed = true }
        models[key] = state
    }

    /// Builds a manual trigger (not subject to the policy) with the evidence of the alerts firing now, if any.
    /// - Parameters:
    ///   - id: the trigger id (the caller's idempotency key, or a fresh one).
    ///   - model: the model name.
    ///   - version: the model version.
    ///   - reason: the operator's reason.
    ///   - eventTime: the creation time, ns.
    ///   - resolver: the configuration in force.
    ///   - snapshot: the engine's snapshot.
    /// - Returns: the trigger, with `source` `manual`.
    public func manualTrigger(
        id: String,
        model: String,
        version: String,
        reason: String,
        at eventTime: Int64,
        resolver: ConfigurationResolver,
        snapshot: EngineSnapshot?
    ) -> RetrainTrigger {
        let key = ModelKey(model: model, version: version)
        let figures = snapshot?.models.first { $0.model == model && $0.version == version }
        let active = (models[key]?.active.values).map(Array.init) ?? []
        var trigger = Self.makeTrigger(
            key: key,
            contributing: active,
            at: max(now, eventTime),
            configuration: resolver.configuration(forModel: model),
            figures: figures
        )
        trigger.id = id
        trigger.reason = reason
        trigger.source = "manual"
        return trigger
    }

    // MARK: Rules

    /// The qualifying alerts of every kind that counts, by the policy's evidence bars.
    static func contributing(
        _ state: ModelState,
        policy: TriggerPolicy,
        figures: ModelSnapshot?,
        now: Int64
    ) -> [Alert] {
        let kinds = Set(policy.kinds)
        let qualifying = state.active.values
            .filter { active in
                active.alert.state == .firing && kinds.contains(active.alert.kind.rawValue)
                    && policy.admits(active.alert.severity) && now - active.firingSince >= policy.firingForNanoseconds
            }
            .map(\.alert)
            .sorted { $0.id < $1.id }
        var out: [Alert] = []
        for kind in AlertKind.allCases {
            let alerts = qualifying.filter { $0.kind == kind }
            guard !alerts.isEmpty else { continue }
            switch kind {
            case .dataDrift:
                let features = Set(alerts.compactMap(\.feature))
                if features.count >= policy.minDriftedFeatures { out += alerts }
            case .accuracyDrop:
                if accuracyDrop(figures) ?? .infinity >= policy.minAccuracyDrop { out += alerts }
            case .errorRate:
                if alerts.contains(where: { $0.evidence.value >= policy.minErrorRate }) { out += alerts }
            default:
                out += alerts
            }
        }
        return out
    }

    /// The drop of the quality metric against its reference (absolute, or relative for error metrics).
    static func accuracyDrop(_ figures: ModelSnapshot?) -> Double? {
        guard let figures, let value = figures.accuracy, let reference = figures.referenceAccuracy else { return nil }
        return figures.accuracyMetric.higherIsBetter
            ? reference - value : (value - reference) / max(reference, 1e-12)
    }

    static func makeTrigger(
        key: ModelKey,
        contributing: [Active],
        at now: Int64,
        configuration: MonitorConfiguration,
        figures: ModelSnapshot?
    ) -> RetrainTrigger {
        let alerts = contributing.map(\.alert).sorted { $0.id < $1.id }
        let episodes = contributing.map { "\($0.alert.id)@\($0.firingSince)" }.sorted()
        let hash = stableHash(([key.model, key.version] + episodes).joined(separator: "\u{0}"))
        let hex = String(hash, radix: 16)
        let id = "trg-" + String(repeating: "0", count: 16 - hex.count) + hex

        let drifts = alerts.filter { $0.kind == .dataDrift && $0.feature != nil }
            .sorted { ($0.evidence.value, $1.id) > ($1.evidence.value, $0.id) }
        let primary =
            drifts.first
            ?? alerts.sorted { lhs, rhs in
                (lhs.severity == .critical ? 1 : 0, rhs.id) > (rhs.severity == .critical ? 1 : 0, lhs.id)
            }.first
        var evidence =
            primary?.evidence
            ?? AlertEvidence(
                statistic: "manual",
                value: 0,
                threshold: 0,
                reference: WindowSummary(size: 0, range: TimeRange(start: now, end: now)),
                current: WindowSummary(
                    size: Int(clamping: figures?.eventsSeen ?? 0),
                    range: TimeRange(start: now, end: now)
                )
            )
        if !drifts.isEmpty {
            evidence.topFeatures = drifts.compactMap { alert in
                alert.feature.map { FeatureScore(feature: $0, value: alert.evidence.value) }
            }
        }
        let ranges = alerts.map(\.evidence.current.range)
        let window = TimeRange(
            start: ranges.map(\.start).min() ?? now,
            end: ranges.map(\.end).max() ?? now
        )
        return RetrainTrigger(
            id: id,
            model: key.model,
            modelVersion: key.version,
            reason: reason(key: key, alerts: alerts, figures: figures),
            createdAt: now,
            evidence: evidence,
            alertIDs: alerts.map(\.id),
            dataWindow: window,
            source: "policy",
            alerts: alerts,
            features: figures.map { featureEvidence($0, configuration: configuration) }
        )
    }

    static func reason(key: ModelKey, alerts: [Alert], figures: ModelSnapshot?) -> String {
        var parts: [String] = []
        let features = Array(Set(alerts.filter { $0.kind == .dataDrift }.compactMap(\.feature))).sorted()
        if !features.isEmpty {
            parts.append(
                features.count == 1
                    ? "feature \(features[0]) drifted"
                    : "\(features.count) features drifted (\(features.joined(separator: ", ")))"
            )
        }
        for kind in AlertKind.allCases where kind != .dataDrift {
            let matching = alerts.filter { $0.kind == kind }
            guard let worst = matching.max(by: { $0.evidence.value < $1.evidence.value }) else { continue }
            switch kind {
            case .accuracyDrop:
                if let drop = accuracyDrop(figures) {
                    parts.append("\(worst.evidence.statistic) dropped by \(formatted(drop))")
                } else {
                    parts.append("\(worst.evidence.statistic) fell to \(formatted(worst.evidence.value))")
                }
            case .errorRate:
                parts.append("error rate rose to \(formatted(worst.evidence.value))")
            default:
                parts.append("\(kind.rawValue) alert firing")
            }
        }
        let what = parts.isEmpty ? "retraining requested" : parts.joined(separator: "; ")
        return "\(key.summaryName): \(what)"
    }

    static func featureEvidence(_ figures: ModelSnapshot, configuration: MonitorConfiguration) -> [FeatureEvidence] {
        figures.features.map { result in
            let override = configuration.featureOverride(for: result.name)
            return FeatureEvidence(
                feature: result.name,
                test: result.test.rawValue,
                statistic: finite(result.statistic),
                pValue: result.pValue.map(finite),
                adjustedPValue: result.adjustedPValue.map(finite),
                pValueThreshold: result.pValue == nil ? nil : (override?.pValue ?? configuration.dataDrift.pValue),
                effectSize: finite(result.effectSize),
                effectSizeThreshold: finite(result.effectThreshold),
                drifted: result.drifted,
                currentCount: result.currentCount,
                referenceCount: result.referenceCount
            )
        }
    }

    /// JSON carries finite numbers only: NaN and infinities (a statistic not computed yet) become 0.
    private static func finite(_ value: Double) -> Double { value.isFinite ? value : 0 }

    private static func formatted(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }

    // MARK: Codable (models sorted, so the encoding is deterministic)

    enum CodingKeys: String, CodingKey {
        case models, now
    }

    /// Decodes a saved evaluator.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let list = try c.decode([ModelState].self, forKey: .models)
        models = Dictionary(list.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        now = try c.decode(Int64.self, forKey: .now)
    }

    /// Encodes the evaluator, model versions in order.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(models.keys.sorted().compactMap { models[$0] }, forKey: .models)
        try c.encode(now, forKey: .now)
    }
}
