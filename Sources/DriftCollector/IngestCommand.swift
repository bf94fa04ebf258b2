import DriftEngine

/// A request to the ingest thread, which alone owns the engine and the sockets.
enum IngestCommand: Sendable {
    /// Apply a new, already validated configuration, keeping window state.
    case reconfigure(ConfigurationResolver)
    /// Forget the reference of a model (all versions when `version` is `nil`) and rebuild it from new traffic.
    case resetReference(model: String, version: String?)
    /// Write a checkpoint now.
    case checkpoint
    /// Create a manual retraining trigger (`driftwatch trigger`, `POST /api/v1/triggers`).
    case manualTrigger(ManualTriggerRequest)
    /// Compare a candidate version with the incumbent; `reply` is called once, on the ingest thread (nil for an
    /// unknown version, or when the collector stops first).
    case compareVersions(
        model: String,
        incumbent: String,
        candidate: String,
        reply: @Sendable (VersionComparison?) -> Void
    )
}

/// A manual retraining trigger asked for through the HTTP API.
struct ManualTriggerRequest: Sendable {
    /// The trigger id (the caller's idempotency key or a fresh one).
    let id: String
    let model: String
    let version: String
    let reason: String
}
