/// A decoded (or built) batch of events for one model, held in column storage.
///
/// Each column has one entry per event (or a fixed number per event, row-major), so decoding a batch costs a few
/// allocations per batch and none per event. Consumers with hot loops read the columns; others use ``events``,
/// which yields lightweight ``EventView`` values. Build batches with ``EventBatchBuilder``; decode them with
/// ``init(decoding:)-(UnsafeRawBufferPointer)``; encode them with ``encoded()``.
///
/// Equality compares doubles by bit pattern.
public struct EventBatch: Sendable, Equatable {
    /// Agent id, sequence number, model and version.
    public internal(set) var header: BatchHeader
    /// Feature names and kinds.
    public let schema: FeatureSchema
    /// Custom-metric names, in per-event order.
    public let customMetricNames: [String]
    /// The per-batch string dictionary used by categorical features and class labels.
    public internal(set) var dictionary: [String]
    /// Event times, ns since the Unix epoch; one per event.
    public internal(set) var timestamps: [Int64]
    /// Outcome wire codes (0 = ok); one per event.
    public internal(set) var outcomeCodes: [UInt16]
    /// Latencies in µs, NaN where absent; one per event.
    public internal(set) var latencies: [Double]
    /// The UTF-8 bytes of all request ids, concatenated.
    public internal(set) var requestIDBytes: [UInt8]
    /// End offset of each event's request id in ``requestIDBytes`` (its start is the previous end, or 0); an
    /// empty range means no request id. One per event.
    public internal(set) var requestIDEnds: [UInt32]
    /// Prediction kinds; one per event.
    public internal(set) var predictionKinds: [PredictionKind]
    /// Numeric predictions, NaN unless the kind is ``PredictionKind/number``; one per event.
    public internal(set) var predictionNumbers: [Double]
    /// Class-label predictions as dictionary indices, ``WireFormat/missingIndex`` unless the kind is
    /// ``PredictionKind/classLabel``; one per event.
    public internal(set) var predictionClasses: [UInt32]
    /// End offset of each event's probabilities in ``probabilityClasses``/``probabilityValues``; one per event.
    public internal(set) var probabilityEnds: [UInt32]
    /// Classes (dictionary indices) of all class probabilities, concatenated.
    public internal(set) var probabilityClasses: [UInt32]
    /// Values of all class probabilities, concatenated.
    public internal(set) var probabilityValues: [Double]
    /// Numeric features, row-major: event `i`, numeric feature `j` at `i * schema.numericCount + j`; NaN = missing.
    public internal(set) var numericValues: [Double]
    /// Categorical features as dictionary indices, row-major like ``numericValues``; ``WireFormat/missingIndex`` =
    /// missing.
    public internal(set) var categoricalIndices: [UInt32]
    /// Custom metrics, row-major by ``customMetricNames``; NaN = not reported.
    public internal(set) var customMetricValues: [Double]

    /// Number of events.
    public var count: Int { timestamps.count }

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

    /// Reserves room for `events` more events (the arrays of variable size are not reserved).
    mutating func reserveCapacity(_ events: Int) {
        let total = count + events
        timestamps.reserveCapacity(total)
        outcomeCodes.reserveCapacity(total)
        latencies.reserveCapacity(total)
        requestIDEnds.reserveCapacity(total)
        predictionKinds.reserveCapacity(total)
        predictionNumbers.reserveCapacity(total)
        predictionClasses.reserveCapacity(total)
        probabilityEnds.reserveCapacity(total)
        numericValues.reserveCapacity(total * schema.numericCount)
        categoricalIndices.reserveCapacity(total * schema.categoricalCount)
        customMetricValues.reserveCapacity(total * customMetricNames.count)
    }

    /// Field-by-field equality; doubles compare by bit pattern.
    public static func == (lhs: EventBatch, rhs: EventBatch) -> Bool {
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
