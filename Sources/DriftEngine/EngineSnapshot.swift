import DriftProtocol
import DriftStatistics

/// A read-only view of the engine for the HTTP API and Prometheus metrics.
public struct EngineSnapshot: Sendable, Hashable, Codable {
    /// The latest event time seen or advanced to (ns), if any.
    public var eventTime: Int64?
    /// Every model version, in first-seen order.
    public var models: [ModelSnapshot]
    /// Events dropped because the model-version cap was reached.
    public var droppedModelEvents: UInt64
    /// Labels dropped because their model version was unknown.
    public var droppedLabels: UInt64
    /// Feature values dropped (feature cap reached or feature disabled).
    public var droppedFeatureValues: UInt64

    enum CodingKeys: String, CodingKey {
        case eventTime = "event_time_ns"
        case models
        case droppedModelEvents = "dropped_model_events"
        case droppedLabels = "dropped_labels"
        case droppedFeatureValues = "dropped_feature_values"
    }
}

/// One model version's state.
public struct ModelSnapshot: Sendable, Hashable, Codable {
    /// The model name.
    public var model: String
    /// The model version.
    public var version: String
    /// Events ingested.
    public var eventsSeen: UInt64
    /// The reference policy's name.
    public var referencePolicy: String
    /// Whether every stream has a reference.
    public var referenceReady: Bool
    /// Evaluations run.
    public var evaluations: UInt64
    /// Event time of the last evaluation.
    public var lastEvaluation: Int64?
    /// Per-feature results of the last evaluation, features in first-seen order.
    public var features: [StreamResult]
    /// The prediction's result, if predictions were seen.
    public var prediction: StreamResult?
    /// Share of tested features that drifted at the last evaluation.
    public var driftShare: Double?
    /// Error rate over the current window.
    public var errorRate: Double?
    /// Reference error rate.
    public var referenceErrorRate: Double?
    /// Latency quantiles (µs) at the last evaluation.
    public var latencyP50: Double?
    /// 95th percentile.
    public var latencyP95: Double?
    /// 99th percentile.
    public var latencyP99: Double?
    /// Reference quantiles.
    public var referenceLatency: Baseline.LatencySummary?
    /// Requests per second over the traffic window.
    public var requestRate: Double?
    /// Reference requests per second.
    public var referenceRequestRate: Double?
    /// The label metric's name.
    public var accuracyMetric: AccuracyMetric
    /// Its value over the rolling label window.
    public var accuracy: Double?
    /// Its reference value.
    public var referenceAccuracy: Double?
    /// Labels joined.
    public var labelsJoined: UInt64
    /// Labels without a waiting prediction.
    public var labelsUnmatched: UInt64
    /// Predictions expired after the join TTL.
    public var predictionsExpired: UInt64
    /// Predictions evicted because the join table was full.
    public var predictionsEvicted: UInt64
    /// Predictions waiting for a label.
    public var predictionsPending: Int
    /// Alerts that are pending, firing or recently resolved.
    public var alerts: [Alert]

    enum CodingKeys: String, CodingKey {
        case model, version
        case eventsSeen = "events_seen"
        case referencePolicy = "reference_policy"
        case referenceReady = "reference_ready"
        case evaluations
        case lastEvaluation = "last_evaluation_ns"
        case features, prediction
        case driftShare = "drift_share"
        case errorRate = "error_rate"
        case referenceErrorRate = "reference_error_rate"
        case latencyP50 = "latency_p50_us"
        case latencyP95 = "latency_p95_us"
        case latencyP99 = "latency_p99_us"
        case referenceLatency = "reference_latency"
        case requestRate = "request_rate"
        case referenceRequestRate = "reference_request_rate"
        case accuracyMetric = "accuracy_metric"
        case accuracy
        case referenceAccuracy = "reference_accuracy"
        case labelsJoined = "labels_joined"
        case labelsUnmatched = "labels_unmatched"
        case predictionsExpired = "predictions_expired"
        case predictionsEvicted = "predictions_evicted"
        case predictionsPending = "predictions_pending"
        case alerts
    }
}

extension ModelMonitor {
    func snapshot() -> ModelSnapshot {
        let features: [StreamResult] =
            numeric.compactMap(\.result) + categorical.compactMap(\.result)
        let ready =
            laggedSlice != nil
            || (numeric.allSatisfy { $0.reference != nil } && categorical.allSatisfy { $0.reference != nil })
        return ModelSnapshot(
            model: key.model,
            version: key.version,
            eventsSeen: eventsSeen,
            referencePolicy: configuration.reference.name,
            referenceReady: ready,
            evaluations: status.evaluations,
            lastEvaluation: status.lastEvaluation,
            features: features,
            prediction: predictionNumeric?.result ?? predictionCategorical?.result,
            driftShare: driftShare,
            errorRate: status.errorRate,
            referenceErrorRate: referenceErrorRate,
            latencyP50: status.latencyP50,
            latencyP95: status.latencyP95,
            latencyP99: status.latencyP99,
            referenceLatency: referenceLatency,
            requestRate: status.requestRate,
            referenceRequestRate: referenceRate,
            accuracyMetric: configuration.accuracy.metric,
            accuracy: status.accuracy,
            referenceAccuracy: labels.referenceMetric,
            labelsJoined: labels.joined,
            labelsUnmatched: labels.unmatched,
            predictionsExpired: labels.expired,
            predictionsEvicted: labels.evicted,
            predictionsPending: labels.pendingCount,
            alerts: alerts.compactMap(\.alert)
        )
    }

    /// Applies a new configuration, keeping windows, references and alerts.
    mutating func reconfigure(_ new: MonitorConfiguration, limits newLimits: EngineLimits) {
        let old = configuration
        configuration = new
        limits = newLimits
        let newCapacity = Self.ringCapacity(new)
        if newCapacity != capacity {
            for i in numeric.indices { numeric[i].resize(to: newCapacity, head: head, filled: filled) }
            for i in categorical.indices { categorical[i].resize(to: newCapacity, head: head, filled: filled) }
            predictionNumeric?.resize(to: newCapacity, head: head, filled: filled)
            predictionCategorical?.resize(to: newCapacity, head: head, filled: filled)
            timestamps = NumericStream.reordered(
                timestamps,
                head: head,
                filled: filled,
                capacity: newCapacity,
                empty: 0
            )
            errorFlags = NumericStream.reordered(
                errorFlags,
                head: head,
                filled: filled,
                capacity: newCapacity,
                empty: 0
            )
            filled = min(filled, newCapacity)
            head = filled % newCapacity
            capacity = newCapacity
        }
        if old.latency != new.latency {
            latencyDetector = LatencyDetector(new.latency)
            if old.latency.relativeAccuracy != new.latency.relativeAccuracy {
                latencySketch = try? DDSketch(relativeAccuracy: new.latency.relativeAccuracy)
            }
        }
        if old.errorRate.detector != new.errorRate.detector { errorDetector = ErrorDetector(new.errorRate.detector) }
        if old.traffic.windowNanoseconds != new.traffic.windowNanoseconds {
            traffic = TrafficCounter(window: new.traffic.windowNanoseconds)
        }
        if old.accuracy.windowLabels != new.accuracy.windowLabels {
            var join = LabelJoin(windowLabels: new.accuracy.windowLabels)
            join.pending = labels.pending
            join.fifo = labels.fifo
            join.fifoHead = labels.fifoHead
            join.fifoCount = labels.fifoCount
            join.joined = labels.joined
            join.unmatched = labels.unmatched
            join.expired = labels.expired
            join.evicted = labels.evicted
            join.referenceMetric = labels.referenceMetric
            join.referenceFromBaseline = labels.referenceFromBaseline
            labels = join
        }
        if old.reference != new.reference {
            if case .baseline = new.reference { resetReference() }
        }
        // Alert states, windows and frozen references stay; drift is re-tested at the next evaluation.
        eventsAtDriftEvaluation = .max
    }

    /// Forgets the references; they are collected again (or reinstalled from the baseline).
    mutating func resetReference() {
        installModelReference()
        let target = streamCollectTarget
        let range = baselineRange ?? TimeRange(start: 0, end: 0)
        for i in numeric.indices {
            numeric[i].reference = nil
            numeric[i].collectTarget = 0
            if let summary = baseline?.numericFeatures[numeric[i].name] {
                numeric[i].reference = NumericReference(baseline: summary, bins: configuration.bins, range: range)
            } else if target > 0 {
                numeric[i].startCollecting(target)
            }
        }
        for i in categorical.indices {
            if let summary = baseline?.categoricalFeatures[categorical[i].name] {
                categorical[i].install(summary, range: range)
            } else if target > 0 {
                categorical[i].startCollecting(target)
            } else {
                categorical[i].reference = nil
            }
        }
        if var stream = predictionNumeric {
            stream.reference = nil
            stream.collectTarget = 0
            if let summary = baseline?.numericPrediction {
                stream.reference = NumericReference(baseline: summary, bins: configuration.bins, range: range)
            } else if target > 0 {
                stream.startCollecting(target)
            }
            predictionNumeric = stream
        }
        if var stream = predictionCategorical {
            if let summary = baseline?.categoricalPrediction {
                stream.install(summary, range: range)
            } else if target > 0 {
                stream.startCollecting(target)
            }
            predictionCategorical = stream
        }
        lastLatencyCondition = nil
        lastAccuracyCondition = nil
        eventsAtDriftEvaluation = .max
    }
}
