import DriftAgent
import Foundation

/// Renders the agent's counters in the Prometheus text format (version 0.0.4) for `GET /metrics`.
///
/// Every series is prefixed `driftwatch_agent_`; label sets are bounded (reasons are fixed codes).
public struct AgentMetrics: Sendable {
    /// What the exposition reads.
    public struct Sources: Sendable {
        /// The running agents (one, or one per collector shard).
        public var agents: [MonitoringAgent]
        /// The local JSON-lines ingest, when any listener is configured.
        public var lineIngest: LineIngest?
        /// The model-process sampler, when one is configured.
        public var sampler: ResourceSampler?
        /// The reverse proxy's counters, when the proxy runs.
        public var proxy: (@Sendable () -> ProxyCountersSnapshot)?

        /// Creates the sources.
        public init(
            agents: [MonitoringAgent],
            lineIngest: LineIngest? = nil,
            sampler: ResourceSampler? = nil,
            proxy: (@Sendable () -> ProxyCountersSnapshot)? = nil
        ) {
            self.agents = agents
            self.lineIngest = lineIngest
            self.sampler = sampler
            self.proxy = proxy
        }
    }

    /// The sources.
    public let sources: Sources

    /// Creates an exposition over `sources`.
    public init(sources: Sources) {
        self.sources = sources
    }

    /// The exposition text.
    public func render() -> String {
        var text = ""
        let rows = sources.agents.map { agent in Row(delivery: agent.statistics, recorder: agent.recorder.counts) }
        func series(_ name: String, _ type: String, _ help: String, _ values: [(String, Double)]) {
            text += "# HELP driftwatch_agent_\(name) \(help)\n# TYPE driftwatch_agent_\(name) \(type)\n"
            for (labels, value) in values {
                let labelSet = labels.isEmpty ? "" : "{\(labels)}"
                text += "driftwatch_agent_\(name)\(labelSet) \(Self.format(value))\n"
            }
        }
        /// One value per agent, labelled with its id (and `extra` labels).
        func perAgent(
            _ name: String,
            _ type: String,
            _ help: String,
            _ values: (Row) -> [(String, Double)]
        ) {
            series(
                name,
                type,
                help,
                rows.flatMap { row in
                    let agentLabel = "agent=\"\(Self.escape(row.delivery.agentID))\""
                    return values(row).map { labels, value in
                        (labels.isEmpty ? agentLabel : agentLabel + "," + labels, value)
                    }
                }
            )
        }
        perAgent("events_recorded_total", "counter", "Events accepted into the agent's queue.") {
            [("", Double($0.recorder.recordedEvents))]
        }
        perAgent("labels_recorded_total", "counter", "Labels accepted into the agent's queue.") {
            [("", Double($0.recorder.recordedLabels))]
        }
        perAgent("events_dropped_total", "counter", "Events dropped, by reason.") { row in
            let (delivery, recorder) = (row.delivery, row.recorder)
            return [
                ("reason=\"queue_full\"", Double(recorder.droppedEvents)),
                ("reason=\"spool_full\"", Double(delivery.eventsDroppedSpoolFull)),
            ]
                + delivery.invalid.sorted(by: { $0.key < $1.key }).map {
                    ("reason=\"\(Self.escape($0.key))\"", Double($0.value))
                }
        }
        perAgent("labels_dropped_total", "counter", "Labels dropped, by reason.") { row in
            let (delivery, recorder) = (row.delivery, row.recorder)
            return [
                ("reason=\"queue_full\"", Double(recorder.droppedLabels)),
                ("reason=\"spool_full\"", Double(delivery.labelsDroppedSpoolFull)),
            ]
        }
        perAgent("queue_items", "gauge", "Events and labels waiting for the delivery worker.") {
            [("", Double($0.recorder.queued))]
        }
        perAgent("batches_stored_total", "counter", "Batches written to the spool.") {
            [("", Double($0.delivery.batchesStored))]
        }
        perAgent("batches_sent_total", "counter", "First sends of batches to the collector.") {
            [("", Double($0.delivery.batchesSent))]
        }
        perAgent("batches_resent_total", "counter", "Resends of unacknowledged batches.") {
            [("", Double($0.delivery.resends))]
        }
        perAgent("batches_acknowledged_total", "counter", "Batches the collector acknowledged.") {
            [("", Double($0.delivery.batchesDelivered))]
        }
        perAgent("events_acknowledged_total", "counter", "Events in batches the collector acknowledged.") {
            [("", Double($0.delivery.eventsDelivered))]
        }
        perAgent("labels_acknowledged_total", "counter", "Labels in batches the collector acknowledged.") {
            [("", Double($0.delivery.labelsDelivered))]
        }
        perAgent("acknowledged_sequence", "gauge", "Highest contiguous batch sequence the collector confirmed.") {
            [("", Double($0.delivery.acknowledgedSequence))]
        }
        perAgent("spool_batches", "gauge", "Batches in the spool awaiting acknowledgement.") {
            [("", Double($0.delivery.pendingBatches))]
        }
        perAgent("spool_events", "gauge", "Events in the spool awaiting acknowledgement.") {
            [("", Double($0.delivery.pendingEvents))]
        }
        perAgent("spool_bytes", "gauge", "Bytes the spool holds.") { [("", Double($0.delivery.spoolBytes))] }
        perAgent("spool_write_errors_total", "counter", "Batches that could not be written to the spool.") {
            [("", Double($0.delivery.spoolWriteErrors))]
        }
        perAgent(
            "bad_acknowledgements_total",
            "counter",
            "Acknowledgements that could not be decoded or named another agent."
        ) { [("", Double($0.delivery.badAcknowledgements))] }
        if let ingest = sources.lineIngest?.snapshot {
            var lines: [(String, Double)] = [
                ("result=\"event\"", Double(ingest.events)), ("result=\"label\"", Double(ingest.labels)),
            ]
            for (reason, count) in ingest.rejected.sorted(by: { $0.key < $1.key }) {
                lines.append(("result=\"\(Self.escape(reason))\"", Double(count)))
            }
            series("ingest_lines_total", "counter", "JSON lines received by the local listeners, by result.", lines)
        }
        if let sample = sources.sampler?.latest {
            var values: [(String, Double)] = [
                ("resource=\"rss_bytes\"", sample.residentBytes), ("resource=\"threads\"", sample.threads),
                ("resource=\"open_fds\"", sample.openFileDescriptors),
            ]
            if let cpu = sample.cpuPercent { values.append(("resource=\"cpu_percent\"", cpu)) }
            series("model_process", "gauge", "Latest resource sample of the model process.", values)
        }
        if let proxy = sources.proxy?() {
            series(
                "proxy_requests_total",
                "counter",
                "Requests forwarded to the model server.",
                [("", Double(proxy.requestsProxied))]
            )
            series(
                "proxy_upstream_errors_total",
                "counter",
                "Requests that ended in an upstream error, by kind.",
                [
                    ("kind=\"server_error\"", Double(proxy.upstreamServerErrors)),
                    ("kind=\"timeout\"", Double(proxy.upstreamTimeouts)),
                    ("kind=\"connection\"", Double(proxy.upstreamConnectionFailures)),
                ]
            )
            series(
                "proxy_upstream_idle_closes_total",
                "counter",
                "Upstream connections closed instead of reused because they had been idle too long.",
                [("", Double(proxy.upstreamIdleCloses))]
            )
            series(
                "proxy_client_aborts_total",
                "counter",
                "Client connections closed before their response was complete.",
                [("", Double(proxy.clientAborts))]
            )
            series(
                "proxy_not_recorded_total",
                "counter",
                "Requests forwarded without recording an event, by reason.",
                [
                    ("reason=\"sampled_out\"", Double(proxy.sampledOut)),
                    ("reason=\"method\"", Double(proxy.notRecordedMethod)),
                ]
            )
            series(
                "proxy_extraction_failures_total",
                "counter",
                "Requests whose features or predictions could not be read, by reason.",
                ExtractionFailure.allCases.map {
                    ("reason=\"\($0.rawValue)\"", Double(proxy.extractionFailures[$0] ?? 0))
                }
            )
        }
        return text
    }

    private struct Row {
        var delivery: DeliveryStatistics
        var recorder: RecorderCounts
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
