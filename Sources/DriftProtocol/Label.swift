/// The ground truth of one request: a number or a class label.
public enum GroundTruth: Sendable, Hashable {
    /// A finite number (regression target).
    case number(Double)
    /// A class label.
    case classLabel(String)
}

/// A delayed label: the ground truth for the request with ``requestID``, joined later to its prediction.
public struct Label: Sendable, Hashable {
    /// Time the label was observed, ns since the Unix epoch.
    public var timestamp: Int64
    /// The request id of the prediction this label belongs to (non-empty).
    public var requestID: String
    /// The ground truth.
    public var groundTruth: GroundTruth

    /// Creates a label.
    /// - Parameters:
    ///   - timestamp: observation time, ns since the Unix epoch.
    ///   - requestID: the prediction's request id.
    ///   - groundTruth: the true value.
    public init(timestamp: Int64, requestID: String, groundTruth: GroundTruth) {
        self.timestamp = timestamp
        self.requestID = requestID
        self.groundTruth = groundTruth
    }
}

/// The wire kind of a label.
enum LabelKind: UInt8 {
    case number = 1
    case classLabel = 2
}
