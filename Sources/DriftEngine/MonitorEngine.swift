import DriftProtocol
import DriftStatistics

/// The monitoring engine: fed event batches, label batches and event time, it returns alert notifications.
///
/// Pure and deterministic: no clock, no I/O, no randomness; time comes from event timestamps and
/// ``advance(to:)``, so replaying the same calls gives identical notifications. State is kept per model and model
/// version (``ModelKey``), created on first sight with the model's resolved configuration, and bounded by
/// ``EngineLimits`` (what exceeds them is dropped and counted). The whole engine is `Codable`: ``checkpoint()``
/// and ``init(restoring:)`` resume exactly where it stopped. Encode checkpoints with a non-conforming float
/// strategy (e.g. `JSONEncoder.nonConformingFloatEncodingStrategy = .convertToString(...)`): rings hold NaN
/// for missing values.
///
/// Hot path: ingestion copies each column of a batch into preallocated rings (one store per event and feature),
/// updates O(1) detectors and a DDSketch; sorting and tests run at evaluation (every `evaluate_every_events`
/// events or `evaluate_every` of event time).
public struct MonitorEngine: Sendable, Codable {
    private(set) var resolver: ConfigurationResolver
    private var models: [ModelKey: ModelMonitor] = [:]
    private var order: [ModelKey] = []
    private var now: Int64 = .min
    private var scratch: [Double] = []
    /// Events dropped because the model-version cap was reached.
    public private(set) var droppedModelEvents: UInt64 = 0
    /// Labels dropped because their model version is not tracked.
    public private(set) var droppedLabels: UInt64 = 0

    /// Creates an engine.
    /// - Parameter resolver: per-model configuration and engine limits.
    public init(resolver: ConfigurationResolver = ConfigurationResolver()) {
        self.resolver = resolver
    }

    /// Restores an engine from a checkpoint.
    /// - Parameter checkpoint: a checkpoint from ``checkpoint()``.
    public init(restoring checkpoint: EngineCheckpoint) {
        self = checkpoint.engine
    }

    /// The engine's whole state, to persist and restore with ``init(restoring:)``.
    public func checkpoint() -> EngineCheckpoint {
        EngineCheckpoint(engine: self)
    }

    /// Ingests one batch of events for the batch header's model and version.
    /// - Parameter batch: decoded events.
    /// - Returns: alert notifications from evaluations the batch triggered, in order.
    /// - Complexity: O(events × streams) plus the evaluations it triggers; no allocation per event.
    public mutating func ingest(_ batch: EventBatch) -> [AlertNotification] {
        guard batch.count > 0 else { return [] }
        let key = ModelKey(model: batch.header.model, version: batch.header.modelVersion)
        guard ensureModel(key) else {
            droppedModelEvents &+= UInt64(batch.count)
            return []
        }
        var scratch = self.scratch
        self.scratch = []
        let notifications = models[key]?.ingest(batch, scratch: &scratch) ?? []
        self.scratch = scratch
        if let last = models[key]?.lastEventTime, last > now { now = last }
        return notifications
    }

    /// Joins a batch of delayed labels to earlier predictions (by request id) of the header's model and version.
    /// - Parameter labels: decoded labels.
    /// - Returns: always empty today (accuracy is judged at the next evaluation); kept for symmetry.
    public mutating func ingest(_ labels: LabelBatch) -> [AlertNotification] {
        let key = ModelKey(model: labels.header.model, version: labels.header.modelVersion)
        guard models[key] != nil else {
            droppedLabels &+= UInt64(labels.labels.count)
            return []
        }
        models[key]?.ingest(labels.labels)
        return []
    }

    /// Moves event time forward: every model whose evaluation interval has elapsed is evaluated at `eventTime`
    /// (traffic drops and stalls, lifecycle transitions such as firing after `for` and resolving after
    /// `keep_firing_for`, repeats).
    /// - Parameter eventTime: ns since the epoch; earlier than the latest time seen changes nothing.
    /// - Returns: notifications, models in first-seen order.
    public mutating func advance(to eventTime: Int64) -> [AlertNotification] {
        guard eventTime >= now else { return [] }
        now = eventTime
        var out: [AlertNotification] = []
        var scratch = self.scratch
        self.scratch = []
        for key in order {
            guard var monitor = models.removeValue(forKey: key) else { continue }
            let interval = max(1, monitor.configuration.evaluateEveryNanoseconds)
            if let last = monitor.lastEvaluationTime, eventTime - last >= interval {
                out += monitor.evaluate(at: eventTime, scratch: &scratch)
            }
            models[key] = monitor
        }
        self.scratch = scratch
        return out
    }

    /// Applies a new configuration to every model, keeping windows, references and alert states. Ring sizes
    /// follow a changed `current_window_events` (keeping the newest values); a changed reference policy takes
    /// effect for references not yet frozen, or at once for a new baseline.
    /// - Parameter resolver: the new configuration.
    public mutating func reconfigure(_ resolver: ConfigurationResolver) {
        self.resolver = resolver
        for key in order {
            models[key]?.reconfigure(resolver.configuration(forModel: key.model), limits: resolver.limits)
        }
    }

    /// Forgets a model version's references (after a retrain): they are collected again by the configured policy
    /// (or reinstalled from the baseline). Windows and alert states are kept.
    /// - Parameters:
    ///   - model: the model name.
    ///   - version: the version, or nil for every version of the model.
    public mutating func resetReference(model: String, version: String?) {
        for key in order where key.model == model && (version == nil || key.version == version) {
            models[key]?.resetReference()
        }
    }

    /// Replaces a model version's reference with a baseline (e.g. loaded by the collector from a file).
    /// - Parameters:
    ///   - baseline: the baseline.
    ///   - model: the model name.
    ///   - version: the version.
    public mutating func setBaseline(_ baseline: Baseline, model: String, version: String) {
        let key = ModelKey(model: model, version: version)
        guard ensureModel(key) else { return }
        models[key]?.configuration.reference = .baseline(baseline)
        models[key]?.resetReference()
    }

    /// Judges a candidate (canary) version of a model against the incumbent on their current windows
    /// (``VersionComparison``).
    /// - Parameters:
    ///   - model: the model name.
    ///   - incumbent: the version in production.
    ///   - candidate: the new version.
    /// - Returns: the comparison, or nil when either version is unknown.
    /// - Complexity: O(features × window log window).
    public func compareVersions(model: String, incumbent: String, candidate: String) -> VersionComparison? {
        guard let a = models[ModelKey(model: model, version: incumbent)],
            let b = models[ModelKey(model: model, version: candidate)]
        else { return nil }
        return VersionComparison.compare(a, b)
    }

    /// The latest event time seen or advanced to (ns), if any.
    public var eventTime: Int64? { now == .min ? nil : now }

    /// A read-only view of one model version, if it is tracked.
    /// - Parameters:
    ///   - model: the model name.
    ///   - version: the version.
    public func snapshot(model: String, version: String) -> ModelSnapshot? {
        models[ModelKey(model: model, version: version)]?.snapshot()
    }

    /// A read-only view of every model version for the HTTP API and metrics.
    public func snapshot() -> EngineSnapshot {
        EngineSnapshot(
            eventTime: now == .min ? nil : now,
            models: order.compactMap { models[$0]?.snapshot() },
            droppedModelEvents: droppedModelEvents,
            droppedLabels: droppedLabels,
            droppedFeatureValues: order.reduce(0) { $0 &+ (models[$1]?.droppedFeatureValues ?? 0) }
        )
    }

    private mutating func ensureModel(_ key: ModelKey) -> Bool {
        if models[key] != nil { return true }
        guard models.count < resolver.limits.maxModels else { return false }
        models[key] = ModelMonitor(
            key: key,
            configuration: resolver.configuration(forModel: key.model),
            limits: resolver.limits
        )
        order.append(key)
        return true
    }

    enum CodingKeys: String, CodingKey {
        case resolver, models, order, now
        case droppedModelEvents = "dropped_model_events"
        case droppedLabels = "dropped_labels"
    }

    /// Decodes a checkpointed engine.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        resolver = try c.decode(ConfigurationResolver.self, forKey: .resolver)
        let list = try c.decode([ModelMonitor].self, forKey: .models)
        order = list.map(\.key)
        models = Dictionary(uniqueKeysWithValues: list.map { ($0.key, $0) })
        now = try c.decode(Int64.self, forKey: .now)
        droppedModelEvents = try c.decode(UInt64.self, forKey: .droppedModelEvents)
        droppedLabels = try c.decode(UInt64.self, forKey: .droppedLabels)
    }

    /// Encodes the engine (models in first-seen order, so the encoding is deterministic).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(resolver, forKey: .resolver)
        try c.encode(order.compactMap { models[$0] }, forKey: .models)
        try c.encode(now, forKey: .now)
        try c.encode(droppedModelEvents, forKey: .droppedModelEvents)
        try c.encode(droppedLabels, forKey: .droppedLabels)
    }
}

/// A persisted engine state.
public struct EngineCheckpoint: Sendable, Codable {
    /// Checkpoint format version (1).
    public var formatVersion = 1
    /// The engine.
    public var engine: MonitorEngine

    /// Wraps an engine.
    public init(engine: MonitorEngine) {
        self.engine = engine
    }
}
