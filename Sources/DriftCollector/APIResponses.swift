import DriftEngine
import DriftProtocol

/// `GET /api/v1/models`: one entry per model and version.
struct ModelsResponse: Encodable {
    let models: [ModelSummary]
}

/// The summary of one model version in the model list.
struct ModelSummary: Encodable {
    let model: String
    let version: String
    let eventsSeen: UInt64
    let referenceReady: Bool
    let driftShare: Double?
    let driftedFeatures: [String]
    let errorRate: Double?
    let latencyP99Microseconds: Double?
    let accuracy: Double?
    let activeAlerts: Int

    init(_ snapshot: ModelSnapshot) {
        model = snapshot.model
        version = snapshot.version
        eventsSeen = snapshot.eventsSeen
        referenceReady = snapshot.referenceReady
        driftShare = snapshot.driftShare
        driftedFeatures = snapshot.features.filter(\.drifted).map(\.name)
        errorRate = snapshot.errorRate
        latencyP99Microseconds = snapshot.latencyP99
        accuracy = snapshot.accuracy
        activeAlerts = snapshot.alerts.filter { $0.state != .resolved }.count
    }

    enum CodingKeys: String, CodingKey {
        case model, version
        case eventsSeen = "events_seen"
        case referenceReady = "reference_ready"
        case driftShare = "drift_share"
        case driftedFeatures = "drifted_features"
        case errorRate = "error_rate"
        case latencyP99Microseconds = "latency_p99_us"
        case accuracy
        case activeAlerts = "active_alerts"
    }
}

/// `GET /api/v1/models/{model}`: every version of one model in full, so a canary can be compared with the
/// incumbent side by side.
struct ModelDetailResponse: Encodable {
    let model: String
    let versions: [ModelSnapshot]
}
