/// A lightweight view of one event of an ``EventBatch``: reads its columns on demand.
///
/// Scalar accessors cost no allocation; ``requestID``, ``prediction``, ``categoricalFeature(at:)`` and ``event``
/// materialise strings and arrays.
public struct EventView: Sendable {
    /// The batch the event belongs to.
    public let batch: EventBatch
    /// The event's index in the batch.
    public let index: Int

    /// Event time, ns since the Unix epoch.
    public var timestamp: Int64 { batch.timestamps[index] }

    /// Whether the event carries a request id.
    public var hasRequestID: Bool { !batch.requestIDRange(of: index).isEmpty }

    /// The request id, if any.
    public var requestID: String? {
        let range = batch.requestIDRange(of: index)
        if range.isEmpty { return nil }
        return String(decoding: batch.requestIDBytes[range], as: UTF8.self)
    }

    /// Latency in µs, if any.
    public var latencyMicroseconds: Double? {
        let latency = batch.latencies[index]
        return latency.isNaN ? nil : latency
    }

    /// How the request ended.
    public var outcome: Outcome { Outcome(wireCode: batch.outcomeCodes[index]) }

    /// The prediction.
    public var prediction: Prediction {
        switch batch.predictionKinds[index] {
        case .absent: return .absent
        case .number: return .number(batch.predictionNumbers[index])
        case .classLabel: return .classLabel(batch.dictionary[Int(batch.predictionClasses[index])])
        case .probabilities:
            return .probabilities(
                batch.probabilityRange(of: index).map {
                    ClassProbability(
                        label: batch.dictionary[Int(batch.probabilityClasses[$0])],
                        probability: batch.probabilityValues[$0]
                    )
                }
            )
        }
    }

    /// Numeric feature `position` (in ``FeatureSchema/numericNames`` order); NaN means missing.
    /// - Parameter position: index among the numeric features.
    public func numericFeature(at position: Int) -> Double {
        batch.numericValues[index * batch.schema.numericCount + position]
    }

    /// Dictionary index of categorical feature `position`, ``WireFormat/missingIndex`` when missing.
    /// - Parameter position: index among the categorical features.
    public func categoricalIndex(at position: Int) -> UInt32 {
        batch.categoricalIndices[index * batch.schema.categoricalCount + position]
    }

    /// Categorical feature `position` (in ``FeatureSchema/categoricalNames`` order), `nil` when missing.
    /// - Parameter position: index among the categorical features.
    public func categoricalFeature(at position: Int) -> String? {
        let dictionaryIndex = categoricalIndex(at: position)
        return dictionaryIndex == WireFormat.missingIndex ? nil : batch.dictionary[Int(dictionaryIndex)]
    }

    /// Custom metric `position` (in ``EventBatch/customMetricNames`` order), `nil` when not reported.
    /// - Parameter position: index among the custom metrics.
    public func customMetric(at position: Int) -> Double? {
        let value = batch.customMetricValues[index * batch.customMetricNames.count + position]
        return value.isNaN ? nil : value
    }

    /// The custom metric called `name`, `nil` when the batch does not declare it or the event does not report it.
    /// - Parameter name: the metric name.
    /// - Complexity: O(number of custom metrics).
    public func customMetric(named name: String) -> Double? {
        guard let position = batch.customMetricNames.firstIndex(of: name) else { return nil }
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
            numericFeatures: (0..<batch.schema.numericCount).map(numericFeature(at:)),
            categoricalFeatures: (0..<batch.schema.categoricalCount).map(categoricalFeature(at:)),
            customMetrics: (0..<batch.customMetricNames.count).map(customMetric(at:))
        )
    }
}

extension EventBatch {
    /// The events of a batch as a random-access collection of ``EventView``.
    public struct Events: RandomAccessCollection, Sendable {
        /// The batch.
        public let batch: EventBatch
        /// Always 0.
        public var startIndex: Int { 0 }
        /// The number of events.
        public var endIndex: Int { batch.count }
        /// The view of event `position`.
        /// - Parameter position: the event index.
        public subscript(position: Int) -> EventView {
            precondition(position >= 0 && position < batch.count, "event index out of range")
            return EventView(batch: batch, index: position)
        }
    }

    /// The events, as views.
    public var events: Events { Events(batch: self) }

    /// The view of event `index`.
    /// - Parameter index: the event index.
    public subscript(index: Int) -> EventView { events[index] }
}
