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
