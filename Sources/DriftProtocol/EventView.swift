/// A lightweight view of one event of an ``EventBatch``: reads its columns on demand.
///
/// Scalar accessors cost no allocation; ``requestID``, ``prediction``, ``categoricalFeature(at:)`` and ``event``
/// materialise strings and arrays.
public struct EventView: Sendable {
    let storage: EventBatch.Storage
    /// The event's index in the batch.
    public let index: Int

    /// The batch the event belongs to.
    public var batch: EventBatch { EventBatch(storage: storage) }

    private var columns: EventColumns { storage.columns }

    /// Event time, ns since the Unix epoch.
    public var timestamp: Int64 { columns.timestamps[index] }

    /// Whether the event carries a request id.
    public var hasRequestID: Bool { !columns.requestIDRange(of: index).isEmpty }

    /// The request id, if any.
    public var requestID: String? {
        let range = columns.requestIDRange(of: index)
        if range.isEmpty { return nil }
        return String(decoding: columns.requestIDBytes[range], as: UTF8.self)
    }

    /// Latency in µs, if any.
    public var latencyMicroseconds: Double? {
        let latency = columns.latencies[index]
        return latency.isNaN ? nil : latency
    }

    /// How the request ended.
    public var outcome: Outcome { Outcome(wireCode: columns.outcomeCodes[index]) }

    /// The prediction.
    public var prediction: Prediction {
        switch columns.predictionKinds[index] {
        case .absent: return .absent
        case .number: return .number(columns.predictionNumbers[index])
        case .classLabel: return .classLabel(columns.dictionary[Int(columns.predictionClasses[index])])
        case .probabilities:
            return .probabilities(
                columns.probabilityRange(of: index).map {
                    ClassProbability(
                        label: columns.dictionary[Int(columns.probabilityClasses[$0])],
                        probability: columns.probabilityValues[$0]
                    )
                }
            )
        }
    }

    /// Numeric feature `position` (in ``FeatureSchema/numericNames`` order); NaN means missing.
    /// - Parameter position: index among the numeric features.
    public func numericFeature(at position: Int) -> Double {
        columns.numericValues[index * columns.schema.numericCount + position]
    }

    /// Dictionary index of categorical feature `position`, ``WireFormat/missingIndex`` when missing.
    /// - Parameter position: index among the categorical features.
    public func categoricalIndex(at position: Int) -> UInt32 {
        columns.categoricalIndices[index * columns.schema.categoricalCount + position]
    }

    /// Categorical feature `position` (in ``FeatureSchema/categoricalNames`` order), `nil` when missing.
    /// - Parameter position: index among the categorical features.
    public func categoricalFeature(at position: Int) -> String? {
        let dictionaryIndex = categoricalIndex(at: position)
        return dictionaryIndex == WireFormat.missingIndex ? nil : columns.dictionary[Int(dictionaryIndex)]
    }

    /// Custom metric `position` (in ``EventBatch/customMetricNames`` order), `nil` when not reported.
    /// - Parameter position: index among the custom metrics.
    public func customMetric(at position: Int) -> Double? {
        let value = columns.customMetricValues[index * columns.customMetricNames.count + position]
        return value.isNaN ? nil : value
    }

    /// The custom metric called `name`, `nil` when the batch does not declare it or the event does not report it.
    /// - Parameter name: the metric name.
    /// - Complexity: O(number of custom metrics).
    public func customMetric(named name: String) -> Double? {
        guard let position = columns.customMetricNames.firstIndex(of: name) else { return nil }
        return customMetric(at: position)
    }

    /// The event as a plain value.
    public var event: Event {
        Event(
            timestamp: timestamp,
            requestID: requestID,
            latencyMicroseconds: latencyMicroseconds,
            outcome: outcome,
            prediction: prediction,
            numericFeatures: (0..<columns.schema.numericCount).map(numericFeature(at:)),
            categoricalFeatures: (0..<columns.schema.categoricalCount).map(categoricalFeature(at:)),
            customMetrics: (0..<columns.customMetricNames.count).map(customMetric(at:))
        )
    }
}

extension EventBatch {
    /// The events of a batch as a random-access collection of ``EventView``.
    public struct Events: RandomAccessCollection, Sendable {
        let storage: EventBatch.Storage
        /// Always 0.
        public var startIndex: Int { 0 }
        /// The number of events.
        public var endIndex: Int { storage.columns.count }
        /// The view of event `position`.
        /// - Parameter position: the event index.
        public subscript(position: Int) -> EventView {
            precondition(position >= 0 && position < storage.columns.count, "event index out of range")
            return EventView(storage: storage, index: position)
        }
    }

    /// The events, as views.
    public var events: Events { Events(storage: storage) }

    /// The view of event `index`.
    /// - Parameter index: the event index.
    public subscript(index: Int) -> EventView { events[index] }
}
