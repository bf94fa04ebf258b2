import DriftAgent
import DriftProtocol

/// Turns named events and labels (from NDJSON or CSV rows) into wire batches, keeping their order.
///
/// One batch is open at a time; it is closed when the next item belongs to another model version, is of the other
/// kind (event or label), has other feature names, or when it holds ``maxItems``. Batch boundaries do not change
/// the engine's results (it evaluates at exact event counts and times), only the order of items matters.
struct EventBatcher {
    private struct Names: Equatable {
        var numeric: [String]
        var categorical: [String]
        var metrics: [String]
    }

    private struct OpenEvents {
        var key: [String]
        var names: Names
        var builder: EventBatchBuilder
    }

    let agentID: String
    let maxItems: Int
    private var sequence: UInt64 = 0
    private var openEvents: OpenEvents?
    private var openLabels: (key: [String], labels: [Label])?
    /// The batches closed so far, in order.
    private(set) var inputs: [BacktestInput] = []

    init(agentID: String = "backtest", maxItems: Int = 1024) {
        self.agentID = agentID
        self.maxItems = maxItems
    }

    /// Adds an event.
    /// - Throws: ``ReplayError`` `invalid_input` when a value breaks a wire rule (the message says which).
    mutating func add(_ event: AgentEvent) throws(ReplayError) {
        flushLabels()
        let key = [event.model, event.modelVersion]
        let names = Names(
            numeric: event.numericFeatures.keys.sorted(),
            categorical: event.categoricalFeatures.keys.sorted(),
            metrics: event.customMetrics.keys.sorted()
        )
        if let open = openEvents, open.key != key || open.names != names || open.builder.count >= maxItems {
            flushEvents()
        }
        if openEvents == nil {
            do {
                sequence += 1
                let header = BatchHeader(
                    agentID: agentID,
                    sequence: sequence,
                    model: event.model,
                    modelVersion: event.modelVersion
                )
                let schema = try FeatureSchema(numeric: names.numeric, categorical: names.categorical)
                let builder = try EventBatchBuilder(header: header, schema: schema, customMetricNames: names.metrics)
                openEvents = OpenEvents(key: key, names: names, builder: builder)
            } catch {
                throw ReplayError(.invalidInput, "\(error)")
            }
        }
        let row = Event(
            timestamp: event.timestamp,
            requestID: event.requestID,
            latencyMicroseconds: event.latencyMicroseconds,
            outcome: event.outcome,
            prediction: event.prediction,
            numericFeatures: names.numeric.map { event.numericFeatures[$0] ?? .nan },
            categoricalFeatures: names.categorical.map { event.categoricalFeatures[$0] ?? nil },
            customMetrics: names.metrics.map { event.customMetrics[$0] }
        )
        do {
            try openEvents?.builder.append(row)
        } catch {
            throw ReplayError(.invalidInput, "\(error)")
        }
    }

    /// Adds a label.
    mutating func add(_ label: AgentLabel) {
        flushEvents()
        let key = [label.model, label.modelVersion]
        if let open = openLabels, open.key != key || open.labels.count >= maxItems { flushLabels() }
        if openLabels == nil { openLabels = (key, []) }
        openLabels?.labels.append(
            Label(timestamp: label.timestamp, requestID: label.requestID, groundTruth: label.groundTruth)
        )
    }

    /// Closes the open batch.
    mutating func finish() {
        flushEvents()
        flushLabels()
    }

    private mutating func flushEvents() {
        guard let open = openEvents else { return }
        openEvents = nil
        let batch = open.builder.build()
        inputs.append(BacktestInput(orderTime: batch.timestamps.first ?? 0, payload: .events(batch)))
    }

    private mutating func flushLabels() {
        guard let open = openLabels, !open.labels.isEmpty else {
            openLabels = nil
            return
        }
        openLabels = nil
        sequence += 1
        let header = BatchHeader(agentID: agentID, sequence: sequence, model: open.key[0], modelVersion: open.key[1])
        let batch = LabelBatch(header: header, labels: open.labels)
        inputs.append(BacktestInput(orderTime: open.labels[0].timestamp, payload: .labels(batch)))
    }
}
