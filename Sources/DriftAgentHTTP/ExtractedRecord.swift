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

/// What the extractor read from one request/response pair.
///
/// `records` holds one entry per instance; it is empty when not even the features could be read. `failure` says
/// what went wrong, if anything: records may still be present (features without predictions).
public struct PayloadExtraction: Sendable, Equatable {
    /// The format the request was read as; `nil` when it was not recognised or an input path was used.
    public var format: PayloadFormat?
    /// One record per instance.
    public var records: [ExtractedRecord]
    /// The first problem met, if any.
    public var failure: ExtractionFailure?

    /// Creates an extraction result.
    /// - Parameters:
    ///   - format: the detected format.
    ///   - records: the records.
    ///   - failure: the problem, if any.
    public init(format: PayloadFormat?, records: [ExtractedRecord], failure: ExtractionFailure?) {
        self.format = format
        self.records = records
        self.failure = failure
    }
}
