/// The mutable column storage behind an ``EventBatch``; filled by the decoder and by ``EventBatchBuilder``.
///
/// Equality compares doubles by bit pattern.
struct EventColumns: Sendable, Equatable {
    /// Agent id, sequence number, model and version.
    var header: BatchHeader
    /// Feature names and kinds.
    let schema: FeatureSchema
    /// Custom-metric names, in per-event order.
    let customMetricNames: [String]
    /// The per-batch string dictionary used by categorical features and class labels.
    var dictionary: [String]
    /// Event times, ns since the Unix epoch; one per event.
    var timestamps: [Int64]
    /// Outcome wire codes (0 = ok); one per event.
    var outcomeCodes: [UInt16]
    /// Latencies in µs, NaN where absent; one per event.
    var latencies: [Double]
    /// The UTF-8 bytes of all request ids, concatenated.
    var requestIDBytes: [UInt8]
    /// End offset of each event's request id in ``requestIDBytes`` (its start is the previous end, or 0); an
    /// empty range means no request id. One per event.
    var requestIDEnds: [UInt32]
    /// Prediction kinds; one per event.
    var predictionKinds: [PredictionKind]
    /// Numeric predictions, NaN unless the kind is ``PredictionKind/number``; one per event.
    var predictionNumbers: [Double]
    /// Class-label predictions as dictionary indices, ``WireFormat/missingIndex`` unless the kind is
    /// ``PredictionKind/classLabel``; one per event.
    var predictionClasses: [UInt32]
    /// End offset of each event's probabilities in ``probabilityClasses``/``probabilityValues``; one per event.
    var probabilityEnds: [UInt32]
    /// Classes (dictionary indices) of all class probabilities, concatenated.
    var probabilityClasses: [UInt32]
    /// Values of all class probabilities, concatenated.
    var probabilityValues: [Double]
    /// Numeric features, row-major: event `i`, numeric feature `j` at `i * schema.numericCount + j`; NaN = missing.
    var numericValues: [Double]
    /// Categorical features as dictionary indices, row-major like ``numericValues``; ``WireFormat/missingIndex`` =
    /// missing.
    var categoricalIndices: [UInt32]
    /// Custom metrics, row-major by ``customMetricNames``; NaN = not reported.
    var customMetricValues: [Double]

    /// Number of events.
    var count: Int { timestamps.count }

    /// Creates an empty batch.
    init(header: BatchHeader, schema: FeatureSchema, customMetricNames: [String], dictionary: [String] = []) {
        self.header = header
        self.schema = schema
        self.customMetricNames = customMetricNames
        self.dictionary = dictionary
        timestamps = []
        outcomeCodes = []
        latencies = []
        requestIDBytes = []
        requestIDEnds = []
        predictionKinds = []
        predictionNumbers = []
        predictionClasses = []
        probabilityEnds = []
        probabilityClasses = []
        probabilityValues = []
        numericValues = []
        categoricalIndices = []
        customMetricValues = []
    }

    /// Field-by-field equality; doubles compare by bit pattern.
    static func == (lhs: EventColumns, rhs: EventColumns) -> Bool {
        lhs.header == rhs.header && lhs.schema == rhs.schema && lhs.customMetricNames == rhs.customMetricNames
            && lhs.dictionary == rhs.dictionary && lhs.timestamps == rhs.timestamps
            && lhs.outcomeCodes == rhs.outcomeCodes && sameBits(lhs.latencies, rhs.latencies)
            && lhs.requestIDBytes == rhs.requestIDBytes && lhs.requestIDEnds == rhs.requestIDEnds
            && lhs.predictionKinds == rhs.predictionKinds && sameBits(lhs.predictionNumbers, rhs.predictionNumbers)
            && lhs.predictionClasses == rhs.predictionClasses && lhs.probabilityEnds == rhs.probabilityEnds
            && lhs.probabilityClasses == rhs.probabilityClasses
            && sameBits(lhs.probabilityValues, rhs.probabilityValues)
            && sameBits(lhs.numericValues, rhs.numericValues) && lhs.categoricalIndices == rhs.categoricalIndices
            && sameBits(lhs.customMetricValues, rhs.customMetricValues)
    }
}
