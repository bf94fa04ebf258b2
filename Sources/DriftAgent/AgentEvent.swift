import DriftProtocol

/// One observed request, in the named form that capture front ends produce (the HTTP proxy, JSON lines, the
/// in-process API) before it is batched into the wire protocol's column form.
///
/// Features and custom metrics are named; the batcher groups events of one model version with the same feature
/// names into one wire batch (the feature schema is sent once per batch, docs/protocol.md).
public struct AgentEvent: Sendable, Equatable {
    /// The model name (1 to 1,024 UTF-8 bytes).
    public var model: String
    /// The model version ("" when the model has none).
    public var modelVersion: String
    /// Event time in nanoseconds since the Unix epoch (UTC).
    public var timestamp: Int64
    /// The request id used to join delayed labels, if any.
    public var requestID: String?
    /// Request latency in microseconds, if measured.
    public var latencyMicroseconds: Double?
    /// How the request ended.
    public var outcome: Outcome
    /// What the model predicted.
    public var prediction: Prediction
    /// Numeric features by name; NaN means missing.
    public var numericFeatures: [String: Double]
    /// Categorical features by name; `nil` means missing.
    public var categoricalFeatures: [String: String?]
    /// Custom metrics by name (finite values; at most 64 per event).
    public var customMetrics: [String: Double]

    /// Creates an event.
    /// - Parameters:
    ///   - model: the model name.
    ///   - modelVersion: the model version ("" for none).
    ///   - timestamp: event time, ns since the Unix epoch.
    ///   - requestID: optional request id.
    ///   - latencyMicroseconds: optional latency in µs.
    ///   - outcome: ok or an error code.
    ///   - prediction: the prediction.
    ///   - numericFeatures: numeric features by name (NaN = missing).
    ///   - categoricalFeatures: categorical features by name (`nil` = missing).
    ///   - customMetrics: custom metrics by name.
    public init(
        model: String,
        modelVersion: String = "",
        timestamp: Int64,
        requestID: String? = nil,
        latencyMicroseconds: Double? = nil,
        outcome: Outcome = .ok,
        prediction: Prediction = .absent,
        numericFeatures: [String: Double] = [:],
        categoricalFeatures: [String: String?] = [:],
        customMetrics: [String: Double] = [:]
    ) {
        self.model = model
        self.modelVersion = modelVersion
        self.timestamp = timestamp
        self.requestID = requestID
        self.latencyMicroseconds = latencyMicroseconds
        self.outcome = outcome
        self.prediction = prediction
        self.numericFeatures = numericFeatures
        self.categoricalFeatures = categoricalFeatures
        self.customMetrics = customMetrics
    }

    /// Field-by-field equality; numeric features compare by bit pattern so missing (NaN) values compare equal.
    public static func == (lhs: AgentEvent, rhs: AgentEvent) -> Bool {
        lhs.model == rhs.model && lhs.modelVersion == rhs.modelVersion && lhs.timestamp == rhs.timestamp
            && lhs.requestID == rhs.requestID
            && lhs.latencyMicroseconds?.bitPattern == rhs.latencyMicroseconds?.bitPattern
            && lhs.outcome == rhs.outcome && lhs.prediction == rhs.prediction
            && lhs.numericFeatures.mapValues(\.bitPattern) == rhs.numericFeatures.mapValues(\.bitPattern)
            && lhs.categoricalFeatures == rhs.categoricalFeatures && lhs.customMetrics == rhs.customMetrics
    }
}

/// A delayed label for one request, joined by the collector to the prediction with the same request id.
public struct AgentLabel: Sendable, Hashable {
    /// The model name.
    public var model: String
    /// The model version ("" when the model has none).
    public var modelVersion: String
    /// When the ground truth became known, ns since the Unix epoch.
    public var timestamp: Int64
    /// The request id of the prediction this label belongs to.
    public var requestID: String
    /// The ground truth.
    public var groundTruth: GroundTruth

    /// Creates a label.
    /// - Parameters:
    ///   - model: the model name.
    ///   - modelVersion: the model version.
    ///   - timestamp: ns since the epoch.
    ///   - requestID: the request id.
    ///   - groundTruth: the ground truth.
    public init(model: String, modelVersion: String = "", timestamp: Int64, requestID: String, groundTruth: GroundTruth)
    {
        self.model = model
        self.modelVersion = modelVersion
        self.timestamp = timestamp
        self.requestID = requestID
        self.groundTruth = groundTruth
    }
}
