/// One prediction event as a plain value: the ergonomic form used by producers and by ``EventView/event``.
///
/// Feature and custom-metric arrays follow the order of the batch's ``FeatureSchema`` and custom-metric names.
/// Equality compares doubles by bit pattern, so events with NaN (missing) features compare equal to themselves.
public struct Event: Sendable, Equatable {
    /// Event time in nanoseconds since the Unix epoch (UTC).
    public var timestamp: Int64
    /// The request id used to join delayed labels, if any (1 to ``WireLimits/maxStringBytes`` UTF-8 bytes).
    public var requestID: String?
    /// Request latency in microseconds, if measured (finite, ≥ 0).
    public var latencyMicroseconds: Double?
    /// How the request ended.
    public var outcome: Outcome
    /// What the model predicted.
    public var prediction: Prediction
    /// Numeric feature values in schema order; NaN means missing; ±infinity is not allowed.
    public var numericFeatures: [Double]
    /// Categorical feature values in schema order; `nil` means missing.
    public var categoricalFeatures: [String?]
    /// Custom-metric values in the batch's custom-metric order; `nil` means not reported (values are finite).
    public var customMetrics: [Double?]

    /// Creates an event.
    /// - Parameters:
    ///   - timestamp: event time, ns since the Unix epoch.
    ///   - requestID: optional request id.
    ///   - latencyMicroseconds: optional latency in µs.
    ///   - outcome: ok or an error code.
    ///   - prediction: the prediction.
    ///   - numericFeatures: numeric values in schema order (NaN = missing).
    ///   - categoricalFeatures: categorical values in schema order (`nil` = missing).
    ///   - customMetrics: custom-metric values in batch order (`nil` = absent).
    public init(
        timestamp: Int64,
        requestID: String? = nil,
        latencyMicroseconds: Double? = nil,
        outcome: Outcome = .ok,
        prediction: Prediction = .absent,
        numericFeatures: [Double] = [],
        categoricalFeatures: [String?] = [],
        customMetrics: [Double?] = []
    ) {
        self.timestamp = timestamp
        self.requestID = requestID
        self.latencyMicroseconds = latencyMicroseconds
        self.outcome = outcome
        self.prediction = prediction
        self.numericFeatures = numericFeatures
        self.categoricalFeatures = categoricalFeatures
        self.customMetrics = customMetrics
    }

    /// Field-by-field equality; doubles compare by bit pattern.
    public static func == (lhs: Event, rhs: Event) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.requestID == rhs.requestID
            && lhs.latencyMicroseconds?.bitPattern == rhs.latencyMicroseconds?.bitPattern
            && lhs.outcome.wireCode == rhs.outcome.wireCode && lhs.prediction == rhs.prediction
            && sameBits(lhs.numericFeatures, rhs.numericFeatures)
            && lhs.categoricalFeatures == rhs.categoricalFeatures
            && lhs.customMetrics.map { $0?.bitPattern } == rhs.customMetrics.map { $0?.bitPattern }
    }
}

/// Compares two double arrays by bit pattern (NaN equals an identical NaN).
func sameBits(_ lhs: [Double], _ rhs: [Double]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for index in lhs.indices where lhs[index].bitPattern != rhs[index].bitPattern { return false }
    return true
}
