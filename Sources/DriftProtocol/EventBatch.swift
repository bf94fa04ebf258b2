/// A decoded (or built) batch of events for one model, held in column storage.
///
/// Each column has one entry per event (or a fixed number per event, row-major), so decoding a batch costs a few
/// allocations per batch and none per event. Consumers with hot loops read the columns; others use ``events``,
/// which yields lightweight ``EventView`` values (one reference each). Build batches with ``EventBatchBuilder``;
/// decode them with ``init(decoding:)-(UnsafeRawBufferPointer)``; encode them with ``encoded()``.
///
/// A batch is immutable and cheap to copy (one reference to shared storage). Equality compares doubles by bit
/// pattern.
public struct EventBatch: Sendable, Equatable {
    /// Immutable shared storage: every property is a `let` of a `Sendable` value, so sharing it is safe.
    final class Storage: Sendable {
        let columns: EventColumns

        init(_ columns: EventColumns) { self.columns = columns }
    }

    let storage: Storage

    init(columns: EventColumns) { storage = Storage(columns) }

    init(storage: Storage) { self.storage = storage }

    /// Agent id, sequence number, model and version.
    public var header: BatchHeader { storage.columns.header }
    /// Feature names and kinds.
    public var schema: FeatureSchema { storage.columns.schema }
    /// Custom-metric names, in per-event order.
    public var customMetricNames: [String] { storage.columns.customMetricNames }
    /// The per-batch string dictionary used by categorical features and class labels.
    public var dictionary: [String] { storage.columns.dictionary }
    /// Event times, ns since the Unix epoch; one per event.
    public var timestamps: [Int64] { storage.columns.timestamps }
    /// Outcome wire codes (0 = ok); one per event.
    public var outcomeCodes: [UInt16] { storage.columns.outcomeCodes }
    /// Latencies in µs, NaN where absent; one per event.
    public var latencies: [Double] { storage.columns.latencies }
    /// The UTF-8 bytes of all request ids, concatenated.
    public var requestIDBytes: [UInt8] { storage.columns.requestIDBytes }
    /// End offset of each event's request id in ``requestIDBytes`` (its start is the previous end, or 0); an
    /// empty range means no request id. One per event.
    public var requestIDEnds: [UInt32] { storage.columns.requestIDEnds }
    /// Prediction kinds; one per event.
    public var predictionKinds: [PredictionKind] { storage.columns.predictionKinds }
    /// Numeric predictions, NaN unless the kind is ``PredictionKind/number``; one per event.
    public var predictionNumbers: [Double] { storage.columns.predictionNumbers }
    /// Class-label predictions as dictionary indices, ``WireFormat/missingIndex`` unless the kind is
    /// ``PredictionKind/classLabel``; one per event.
    public var predictionClasses: [UInt32] { storage.columns.predictionClasses }
    /// End offset of each event's probabilities in ``probabilityClasses``/``probabilityValues``; one per event.
    public var probabilityEnds: [UInt32] { storage.columns.probabilityEnds }
    /// Classes (dictionary indices) of all class probabilities, concatenated.
    public var probabilityClasses: [UInt32] { storage.columns.probabilityClasses }
    /// Values of all class probabilities, concatenated.
    public var probabilityValues: [Double] { storage.columns.probabilityValues }
    /// Numeric features, row-major: event `i`, numeric feature `j` at `i * schema.numericCount + j`; NaN = missing.
    public var numericValues: [Double] { storage.columns.numericValues }
    /// Categorical features as dictionary indices, row-major like ``numericValues``; ``WireFormat/missingIndex`` =
    /// missing.
    public var categoricalIndices: [UInt32] { storage.columns.categoricalIndices }
    /// Custom metrics, row-major by ``customMetricNames``; NaN = not reported.
    public var customMetricValues: [Double] { storage.columns.customMetricValues }

    /// Number of events.
    public var count: Int { storage.columns.count }

    /// The range of event `index`'s request id in ``requestIDBytes`` (empty when the event has none).
    /// - Parameter index: the event index.
    public func requestIDRange(of index: Int) -> Range<Int> { storage.columns.requestIDRange(of: index) }

    /// The range of event `index`'s class probabilities in ``probabilityClasses`` and ``probabilityValues``.
    /// - Parameter index: the event index.
    public func probabilityRange(of index: Int) -> Range<Int> { storage.columns.probabilityRange(of: index) }

    /// The exact size of ``encoded()``, in bytes.
    /// - Complexity: O(number of events + number of strings).
    public var encodedSize: Int { storage.columns.encodedSize }

    /// Encodes the batch as a v1.0 event-batch message (`docs/protocol.md`).
    ///
    /// A batch can only be made by ``EventBatchBuilder`` or by decoding, both of which enforce the limits, so
    /// encoding cannot fail.
    /// - Returns: the message bytes, exactly ``encodedSize`` long.
    /// - Complexity: O(size of the message); one allocation.
    public func encoded() -> [UInt8] { storage.columns.encoded() }

    /// Field-by-field equality; doubles compare by bit pattern.
    public static func == (lhs: EventBatch, rhs: EventBatch) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.columns == rhs.storage.columns
    }
}
