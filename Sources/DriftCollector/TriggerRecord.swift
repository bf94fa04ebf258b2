import DriftEngine
import DriftProtocol

/// A retraining trigger in the outbox with its delivery state per sink, as `driftwatch triggers list` and
/// `GET /api/v1/triggers` show it.
public struct TriggerRecord: Sendable, Hashable, Codable {
    /// Where a trigger is on its way to one sink.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Written to the outbox, not yet attempted.
        case pending
        /// An attempt is in progress (after a crash it is retried).
        case delivering
        /// An attempt failed; the next one is scheduled with backoff (`next_attempt_at_ns`).
        case retrying
        /// The sink acknowledged it.
        case delivered
        /// No sink is configured to deliver it to (the trigger waits in the outbox until one is).
        case undeliverable
    }

    /// The trigger's delivery to one sink.
    public struct Delivery: Sendable, Hashable, Codable {
        /// The sink (`zmq:ENDPOINT`, `webhook:URL` or `exec:COMMAND`).
        public var sink: String
        /// Where the delivery is.
        public var state: State
        /// Attempts made so far.
        public var attempts: Int
        /// When the next attempt is due (wall clock, ns), while not delivered.
        public var nextAttemptAt: Int64?
        /// Why the last attempt failed, if it did.
        public var lastError: String?
        /// When the sink acknowledged it (wall clock, ns).
        public var deliveredAt: Int64?

        enum CodingKeys: String, CodingKey {
            case sink, state, attempts
            case nextAttemptAt = "next_attempt_at_ns"
            case lastError = "last_error"
            case deliveredAt = "delivered_at_ns"
        }
    }

    /// The trigger id (idempotency key).
    public var id: String
    /// The model name.
    public var model: String
    /// The model version.
    public var modelVersion: String
    /// The model and its version for a readable line, as alert summaries name them (``ModelKey/summaryName``).
    public var modelName: String { ModelKey(model: model, version: modelVersion).summaryName }
    /// `policy` or `manual`.
    public var source: String
    /// The trigger's reason.
    public var reason: String
    /// The trigger's creation time (event time, ns).
    public var createdAt: Int64
    /// When the collector wrote it to the outbox (wall clock, ns).
    public var recordedAt: Int64
    /// The overall state: `delivered` when every sink acknowledged, else the least advanced delivery's state.
    public var state: State
    /// Per-sink deliveries.
    public var deliveries: [Delivery]
    /// The payload, in single-trigger answers.
    public var trigger: RetrainTrigger?

    enum CodingKeys: String, CodingKey {
        case id = "trigger_id"
        case model
        case modelVersion = "model_version"
        case source, reason
        case createdAt = "created_at_ns"
        case recordedAt = "recorded_at_ns"
        case state, deliveries, trigger
    }

    /// The overall state of a set of deliveries.
    static func overall(_ deliveries: [Delivery]) -> State {
        guard !deliveries.isEmpty else { return .undeliverable }
        let states = Set(deliveries.map(\.state))
        for state in [State.delivering, .retrying, .pending] where states.contains(state) { return state }
        return .delivered
    }
}
