import DriftEngine
import DriftProtocol

/// Renders per-model figures from the engine snapshot as Prometheus series at scrape time.
///
/// Labels are bounded: `model` and `version` (capped by the engine's model limit), `feature` (capped by its
/// feature limit), `quantile`, `kind`, `state`, `severity`. No event ids or raw values ever become labels.
enum MetricsExposition {
    static func append(_ status: CollectorCore.Status, to text: inout String) {
        var output = PrometheusText(appendingTo: text)
        let models = status.snapshot.models
        func modelLabels(_ model: ModelSnapshot) -> [(String, String)] {
            [("model", model.model), ("version", model.version)]
        }
        output.family(
            "driftwatch_model_events_total",
            .counter,
            help: "Events ingested per model and version.",
            samples: models.map { (modelLabels($0), Double($0.eventsSeen)) }
        )
        output.family(
            "driftwatch_model_reference_ready",
            .gauge,
            help: "1 once the model's reference is complete and drift is evaluated, else 0.",
            samples: models.map { (modelLabels($0), $0.referenceReady ? 1 : 0) }
        )
        output.family(
            "driftwatch_model_drift_share",
            .gauge,
            help: "Share of features drifted after multiple-testing correction, at the last evaluation.",
            samples: models.compactMap { model in model.driftShare.map { (modelLabels(model), $0) } }
        )
        let features = models.flatMap { model in
            (model.features + (model.prediction.map { [$0] } ?? [])).map { (model, $0) }
        }
        output.family(
            "driftwatch_feature_drift_statistic",
            .gauge,
            help: "The drift test statistic of each feature (and the prediction) at the last evaluation.",
            samples: features.map { model, result in
                (modelLabels(model) + [("feature", result.name), ("test", result.test.rawValue)], result.statistic)
            }
        )
        output.family(
            "driftwatch_feature_drift_p_value",
            .gauge,
            help: "The drift test's p-value after multiple-testing correction, where the test has one.",
            samples: features.compactMap { model, result in
                (result.adjustedPValue ?? result.pValue).map {
                    (modelLabels(model) + [("feature", result.name)], $0)
                }
            }
        )
        output.family(
            "driftwatch_feature_drifted",
            .gauge,
            help: "1 when the feature is judged drifted at the last evaluation, else 0.",
            samples: features.map { model, result in
                (modelLabels(model) + [("feature", result.name)], result.drifted ? 1 : 0)
            }
        )
        output.family(
            "driftwatch_feature_missing_rate",
            .gauge,
            help: "Share of missing values of the feature in the current window.",
            samples: features.map { model, result in
                (modelLabels(model) + [("feature", result.name)], result.missingRate)
            }
        )
        output.family(
            "driftwatch_model_error_rate",
            .gauge,
            help: "Share of error outcomes in the current window.",
            samples: models.compactMap { model in model.errorRate.map { (modelLabels(model), $0) } }
        )
        // Three gauges rather than a `quantile` label: Prometheus reserves that label for summaries.
        for (name, quantile) in [("p50", \ModelSnapshot.latencyP50), ("p95", \.latencyP95), ("p99", \.latencyP99)] {
            output.family(
                "driftwatch_model_latency_\(name)_seconds",
                .gauge,
                help: "Latency \(name) of the current window, from a DDSketch (1 % relative accuracy).",
                samples: models.compactMap { model in
                    model[keyPath: quantile].map { (modelLabels(model), $0 / 1_000_000) }
                }
            )
        }
        output.family(
            "driftwatch_model_request_rate",
            .gauge,
            help: "Requests per second of event time over the traffic window.",
            samples: models.compactMap { model in model.requestRate.map { (modelLabels(model), $0) } }
        )
        output.family(
            "driftwatch_model_accuracy",
            .gauge,
            help: "Rolling label-based quality (the configured metric) over joined labels.",
            samples: models.compactMap { model in
                model.accuracy.map { (modelLabels(model) + [("metric", model.accuracyMetric.rawValue)], $0) }
            }
        )
        output.family(
            "driftwatch_labels_joined_total",
            .counter,
            help: "Ground-truth labels joined to their prediction.",
            samples: models.map { (modelLabels($0), Double($0.labelsJoined)) }
        )
        output.family(
            "driftwatch_labels_unmatched_total",
            .counter,
            help: "Labels whose request id matched no pending prediction.",
            samples: models.map { (modelLabels($0), Double($0.labelsUnmatched)) }
        )
        var alertCounts: [String: (labels: [(String, String)], count: Double)] = [:]
        for alert in status.alerts.values {
            let labels = [
                ("model", alert.model), ("version", alert.modelVersion), ("kind", alert.kind.rawValue),
                ("state", alert.state.rawValue), ("severity", alert.severity.rawValue),
            ]
            let key = labels.map(\.1).joined(separator: "\u{0}")
            alertCounts[key, default: (labels, 0)].count += 1
        }
        output.family(
            "driftwatch_alerts",
            .gauge,
            help: "Alerts known to the collector by model, kind, lifecycle state and severity.",
            samples: alertCounts.keys.sorted().compactMap { alertCounts[$0].map { ($0.labels, $0.count) } }
        )
        output.family(
            "driftwatch_engine_dropped_total",
            .counter,
            help: "Data the engine dropped because a limit was reached, by what.",
            samples: [
                ([("what", "model_events")], Double(status.snapshot.droppedModelEvents)),
                ([("what", "labels")], Double(status.snapshot.droppedLabels)),
                ([("what", "feature_values")], Double(status.snapshot.droppedFeatureValues)),
            ]
        )
        text = output.text
    }
}
