import DriftProtocol

/// The features and prediction read for one instance of a request.
public struct ExtractedRecord: Sendable, Equatable {
    /// Numeric features by name; NaN means missing.
    public var numericFeatures: [String: Double]
    /// Categorical features by name; `nil` means missing.
    public var categoricalFeatures: [String: String?]
    /// The prediction, `.absent` when the response gave none.
    public var prediction: Prediction

    /// Creates a record.
    /// - Parameters:
    ///   - numericFeatures: numeric features (NaN = missing).
    ///   - categoricalFeatures: categorical features (`nil` = missing).
    ///   - prediction: the prediction.
    public init(
        numericFeatures: [String: Double] = [:],
        categoricalFeatures: [String: String?] = [:],
        prediction: Prediction = .absent
    ) {
        self.numericFeatures = numericFeatures
        self.categoricalFeatures = categoricalFeatures
        self.prediction = prediction
    }

    /// Field-by-field equality; numeric features compare by bit pattern so missing (NaN) values compare equal.
    public static func == (lhs: ExtractedRecord, rhs: ExtractedRecord) -> Bool {
        lhs.numericFeatures.mapValues(\.bitPattern) == rhs.numericFeatures.mapValues(\.bitPattern)
            && lhs.categoricalFeatures == rhs.categoricalFeatures && lhs.prediction == rhs.prediction
    }
}
