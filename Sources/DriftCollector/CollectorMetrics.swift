import Prometheus

/// The collector's own counters, created once at start-up (never per event) in a Prometheus registry.
///
/// Per-model figures (drift scores, p-values, error rates, latency quantiles, alert states) are not registered
/// here: they are rendered from the engine snapshot at scrape time (``MetricsExposition``), so models that
/// disappear leave no stale series and the label sets stay bounded by the engine's model cap.
struct CollectorMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let eventBatches: Counter
    let labelBatches: Counter
    let events: Counter
    let labels: Counter
    let duplicates: Counter
    let rejectedMalformed: Counter
    let rejectedMultipart: Counter
    let rejectedOutOfOrder: Counter
    let rejectedUnexpectedType: Counter
    let rejectedRateLimited: Counter
    let rejectedLabelsPrivacy: Counter
    let clientsAdmitted: Counter
    let clientsRefused: Counter
    let alertsPublished: Counter
    let reloadSuccesses: Counter
    let reloadFailures: Counter
    let checkpointSuccesses: Counter
    let checkpointFailures: Counter
    let checkpointsSkipped: Counter
    let checkpointSeconds: Gauge
    let ingestBatchSeconds: DurationHistogram
    let webhookDeliveries: DeliveryCounters
    let alertmanagerDeliveries: DeliveryCounters
    let triggers: TriggerMetrics

    /// Counters of one kind of alert sink (`sink` label: `webhook` or `alertmanager`).
    struct DeliveryCounters: Sendable {
        /// Deliveries the receiver accepted (2xx), retries included.
        let successes: Counter
        /// Deliveries that failed after every attempt.
        let failures: Counter
        /// Notifications dropped because the sink's queue was full.
        let dropped: Counter
    }

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let batchesHelp = "Wire-protocol batches received and processed, by message type."
        eventBatches = registry.makeCounter(
            descriptor: .named("driftwatch_batches_received_total", help: batchesHelp),
            labels: [("type", "events")]
        )
        labelBatches = registry.makeCounter(
            descriptor: .named("driftwatch_batches_received_total", help: batchesHelp),
            labels: [("type", "labels")]
        )
        events = registry.makeCounter(descriptor: .named("driftwatch_events_received_total", help: "Events ingested."))
        labels = registry.makeCounter(
            descriptor: .named("driftwatch_labels_received_total", help: "Ground-truth labels ingested.")
        )
        duplicates = registry.makeCounter(
            descriptor: .named(
                "driftwatch_batches_duplicate_total",
                help: "Batches received again (agent resends) and skipped."
            )
        )
        let rejectedHelp = "Messages rejected without processing, by reason."
        func rejected(_ reason: String) -> Counter {
            registry.makeCounter(
                descriptor: .named("driftwatch_messages_rejected_total", help: rejectedHelp),
                labels: [("reason", reason)]
            )
        }
        rejectedMalformed = rejected("malformed")
        rejectedMultipart = rejected("frame_count")
        rejectedOutOfOrder = rejected("too_far_ahead")
        rejectedUnexpectedType = rejected("unexpected_type")
        rejectedRateLimited = rejected("rate_limited")
        // Label batches of a model whose privacy settings drop request ids: they could never join.
        rejectedLabelsPrivacy = rejected("labels_without_request_ids")
        let authenticationHelp = "CURVE handshakes decided by the allow-list (ZAP), by result."
        clientsAdmitted = registry.makeCounter(
            descriptor: .named("driftwatch_zap_decisions_total", help: authenticationHelp),
            labels: [("result", "admitted")]
        )
        clientsRefused = registry.makeCounter(
            descriptor: .named("driftwatch_zap_decisions_total", help: authenticationHelp),
            labels: [("result", "refused")]
        )
        alertsPublished = registry.makeCounter(
            descriptor: .named(
                "driftwatch_alert_notifications_published_total",
                help: "Alert notifications published on the alert PUB socket."
            )
        )
        let reloadHelp = "Configuration reloads (SIGHUP), by result."
        reloadSuccesses = registry.makeCounter(
            descriptor: .named("driftwatch_config_reloads_total", help: reloadHelp),
            labels: [("result", "success")]
        )
        reloadFailures = registry.makeCounter(
            descriptor: .named("driftwatch_config_reloads_total", help: reloadHelp),
            labels: [("result", "failure")]
        )
        let checkpointHelp = "State checkpoints by result: saved, failed, or skipped while the last was being saved."
        checkpointSuccesses = registry.makeCounter(
            descriptor: .named("driftwatch_checkpoints_total", help: checkpointHelp),
            labels: [("result", "success")]
        )
        checkpointFailures = registry.makeCounter(
            descriptor: .named("driftwatch_checkpoints_total", help: checkpointHelp),
            labels: [("result", "failure")]
        )
        checkpointsSkipped = registry.makeCounter(
            descriptor: .named("driftwatch_checkpoints_total", help: checkpointHelp),
            labels: [("result", "skipped")]
        )
        checkpointSeconds = registry.makeGauge(
            descriptor: .named(
                "driftwatch_checkpoint_last_duration_seconds",
                help: "Time the last checkpoint took to encode and save (off the ingest thread, except at shutdown)."
            )
        )
        ingestBatchSeconds = registry.makeDurationHistogram(
            descriptor: .named(
                "driftwatch_ingest_batch_seconds",
                help: "Time to decode and ingest one batch, evaluation included."
            ),
            buckets: [
                .microseconds(10), .microseconds(50), .microseconds(100), .microseconds(500), .milliseconds(1),
                .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100),
            ]
        )
        func deliveries(_ sink: String) -> DeliveryCounters {
            let help = "Alert deliveries to webhooks and Alertmanager, by sink and result."
            return DeliveryCounters(
                successes: registry.makeCounter(
                    descriptor: .named("driftwatch_alert_deliveries_total", help: help),
                    labels: [("sink", sink), ("result", "success")]
                ),
                failures: registry.makeCounter(
                    descriptor: .named("driftwatch_alert_deliveries_total", help: help),
                    labels: [("sink", sink), ("result", "failure")]
                ),
                dropped: registry.makeCounter(
                    descriptor: .named(
                        "driftwatch_alert_deliveries_dropped_total",
                        help: "Alert notifications dropped because a sink's queue was full, by sink."
                    ),
                    labels: [("sink", sink)]
                )
            )
        }
        webhookDeliveries = deliveries("webhook")
        alertmanagerDeliveries = deliveries("alertmanager")
        triggers = TriggerMetrics(registry: registry)
    }
}

extension MetricNameDescriptor {
    /// A descriptor for a metric whose full name is written out (driftwatch's names carry their unit suffix, as
    /// docs/collector.md lists them), so the name stays searchable in the source.
    static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
