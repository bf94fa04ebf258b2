import DriftProtocol
import Foundation
import TestSupport
import Testing

@testable import DriftCollector

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Alert delivery over HTTP with real processes: a Python webhook receiver and Debian's Alertmanager, fed by the
/// collector while `driftwatch simulate` plays an error-rate incident.
@Suite("Alert delivery", .serialized)
struct AlertDeliveryTests {
    @Test("An alert maps to an Alertmanager postable alert with identifying labels and evidence annotations")
    func alertmanagerMapping() throws {
        let alert = Alert(
            id: "5f3c9a1e0b7d4c22",
            model: "fraud",
            modelVersion: "v3",
            kind: .dataDrift,
            feature: "amount",
            state: .resolved,
            severity: .critical,
            startedAt: 1_700_000_000_123_456_789,
            updatedAt: 1_700_000_300_000_000_000,
            resolvedAt: 1_700_000_360_999_000_000,
            summary: "amount drifted",
            evidence: AlertEvidence(
                statistic: "ks",
                value: 0.31,
                pValue: 0.000125,
                threshold: 0.2,
                reference: WindowSummary(size: 10, range: TimeRange(start: 0, end: 1)),
                current: WindowSummary(size: 5, range: TimeRange(start: 2, end: 3)),
                topFeatures: []
            )
        )
        let resolved = AlertmanagerAlert(alert, firingUntil: 0, generatorURL: "http://h:1/api/v1/alerts?model=fraud")
        #expect(
            resolved.labels == [
                "alertname": "DriftwatchDataDrift", "model": "fraud", "version": "v3", "kind": "data_drift",
                "feature": "amount", "severity": "critical",
            ]
        )
        #expect(
            resolved.annotations == [
                "summary": "amount drifted", "alert_id": "5f3c9a1e0b7d4c22", "statistic": "ks", "value": "0.31",
                "p_value": "0.000125", "threshold": "0.2",
            ]
        )
        #expect(resolved.startsAt == "2023-11-14T22:13:20.123Z")
        #expect(resolved.endsAt == "2023-11-14T22:19:20.999Z")

        var firing = alert
        firing.state = .firing
        firing.resolvedAt = nil
        firing.feature = nil
        let mapped = AlertmanagerAlert(
            firing,
            severity: .warning,
            firingUntil: 1_700_000_540_000_000_000,
            generatorURL: nil
        )
        #expect(mapped.labels["feature"] == nil)
        #expect(mapped.labels["severity"] == "warning")
        #expect(mapped.endsAt == "2023-11-14T22:22:20.000Z")
        #expect(AlertmanagerAlert.alertName(.errorRate) == "DriftwatchErrorRate")
        #expect(AlertmanagerAlert.alertName(.latency) == "DriftwatchLatency")
        #expect(AlertmanagerAlert.rfc3339(-1_000_000) == "1969-12-31T23:59:59.999Z")
    }

    @Test("A webhook receives firing and resolved error-rate alerts after a retried 500; a dead one is counted")
    func webhookReceivesAlerts() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(fastConfiguration, name: "collector.yaml", in: directory)
        let receiver = try ChildProcess.startPython(
            pythonFolder.appendingPathComponent("webhook_receiver.py"),
            ["240", "1"]
        )
        defer { receiver.signal(SIGTERM) }
        #expect(receiver.waitForOutput(containing: "pid"))
        let port = try #require(Self.number(after: "listening ", in: receiver.standardErrorSoFar))
        let pid = try #require(Self.number(after: "pid ", in: receiver.standardErrorSoFar))
        defer { kill(Int32(pid), SIGTERM) }
        let deadPort = try freeLoopbackPort()
        let collector = try CollectorProcess([
            "--config", config, "--webhook", "http://127.0.0.1:\(port)/hook", "--webhook",
            "http://127.0.0.1:\(deadPort)/gone",
        ])
        defer { _ = try? collector.stop() }

        let run = try simulate(
            to: collector.ingestEndpoint,
            ["--rate", "500", "--duration", "40", "--seed", "11", "--incident", "error_spike@10+10*0.3"]
        )
        #expect(run.status == 0, "\(run.standardError)")

        var received: [[String: Any]] = []
        #expect(
            try await eventually(timeout: .seconds(60)) {
                received = receiver.standardOutputSoFar.split(separator: "\n").compactMap {
                    try? jsonObject(String($0))
                }
                return received.contains {
                    $0["status"] as? Int == 200 && ($0["alert"] as? [String: Any])?["state"] as? String == "resolved"
                        && ($0["alert"] as? [String: Any])?["kind"] as? String == "error_rate"
                }
            },
            "\(received)"
        )
        // The first request was answered 500 and the same notification came again.
        let first = try #require(received.first)
        #expect(first["status"] as? Int == 500)
        let accepted = received.filter { $0["status"] as? Int == 200 }
        #expect(accepted.first.map(Self.deliveryKey) == Self.deliveryKey(first))
        for entry in received {
            let alert = entry["alert"] as? [String: Any]
            #expect(entry["topic"] as? String == "alert.fraud-detector.\(alert?["kind"] as? String ?? "?")")
            #expect(entry["content_type"] as? String == "application/json")
            #expect(entry["path"] as? String == "/hook")
            #expect(["firing", "repeat", "severity_changed", "resolved"].contains(entry["change"] as? String ?? "?"))
        }
        let errorRate = accepted.compactMap { $0["alert"] as? [String: Any] }.filter {
            $0["kind"] as? String == "error_rate"
        }
        #expect(errorRate.contains { $0["state"] as? String == "firing" }, "\(errorRate)")
        #expect(errorRate.contains { $0["state"] as? String == "resolved" && $0["resolved_at_ns"] is Int })
        #expect(Set(errorRate.compactMap { $0["model_version"] as? String }) == ["v1"])

        // Every notification went once to each webhook: accepted by the live one, failed at the dead one.
        var metrics = ""
        #expect(
            try await eventually(timeout: .seconds(90)) {
                metrics = try await collector.get("/metrics").body
                return Self.value(metrics, #"driftwatch_alert_deliveries_total{sink="webhook",result="failure"}"#)
                    == Double(accepted.count)
            },
            "\(metrics)"
        )
        #expect(
            Self.value(metrics, #"driftwatch_alert_deliveries_total{sink="webhook",result="success"}"#)
                == Double(accepted.count)
        )
        #expect(Self.value(metrics, #"driftwatch_alert_deliveries_dropped_total{sink="webhook"}"#) == 0)
        #expect(collector.process.standardErrorSoFar.contains("url=http://127.0.0.1:\(deadPort)/gone"))
        #expect(try await collector.get("/healthz").status == 200)
        // A failing receiver does not hold up shutdown: nothing is left queued, and the exit is clean.
        let stopped = try collector.stop()
        #expect(stopped.status == 0 && !stopped.terminatedBySignal, "\(stopped.standardError.suffix(2000))")
        #expect(!stopped.standardError.contains("abandoned"))
    }

    @Test("Alertmanager receives the error-rate alert with its labels, keeps hearing it, and a silence suppresses it")
    func alertmanagerReceivesAndSilences() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(fastConfiguration, name: "collector.yaml", in: directory)
        let alertmanager = try Self.startAlertmanager(in: directory)
        defer { alertmanager.process.signal(SIGTERM) }
        let base = "http://127.0.0.1:\(alertmanager.port)"
        let collector = try CollectorProcess([
            "--config", config, "--alertmanager", base, "--alertmanager-resend", "1",
        ])
        defer { _ = try? collector.stop() }

        // The incident lasts to the end of the run, so the alert is still firing when the run ends.
        let run = try simulate(
            to: collector.ingestEndpoint,
            ["--rate", "500", "--duration", "40", "--seed", "11", "--incident", "error_spike@20+20*0.3"]
        )
        #expect(run.status == 0, "\(run.standardError)")

        let query = "/api/v2/alerts?filter=alertname%3D%22DriftwatchErrorRate%22"
        var alerts: [[String: Any]] = []
        #expect(
            try await eventually(timeout: .seconds(60)) {
                alerts = try await Self.jsonArray(base + query)
                return !alerts.isEmpty
            },
            "\(alertmanager.process.standardErrorSoFar.suffix(2000))"
        )
        let alert = try #require(alerts.first)
        let labels = try #require(alert["labels"] as? [String: String])
        #expect(labels["alertname"] == "DriftwatchErrorRate")
        #expect(labels["model"] == "fraud-detector")
        #expect(labels["version"] == "v1")
        #expect(labels["kind"] == "error_rate")
        #expect(labels["feature"] == nil)
        #expect(["warning", "critical"].contains(labels["severity"] ?? "?"), "\(labels)")
        let annotations = try #require(alert["annotations"] as? [String: String])
        #expect(annotations["statistic"]?.isEmpty == false)
        #expect(annotations["threshold"].flatMap(Double.init) != nil, "\(annotations)")
        #expect(annotations["value"].flatMap(Double.init) != nil, "\(annotations)")
        #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")
        #expect((alert["generatorURL"] as? String)?.contains("/api/v1/alerts?model=fraud-detector") == true)

        // No traffic comes any more: Alertmanager keeps hearing about the alert only through re-sends.
        let firstUpdate = alert["updatedAt"] as? String
        #expect(
            try await eventually {
                try await Self.jsonArray(base + query).first?["updatedAt"] as? String != firstUpdate
            }
        )

        let silence: [String: Any] = [
            "matchers": [["name": "model", "value": "fraud-detector", "isRegex": false, "isEqual": true]],
            "startsAt": AlertmanagerAlert.rfc3339(wallClockNanoseconds() - 60_000_000_000),
            "endsAt": AlertmanagerAlert.rfc3339(wallClockNanoseconds() + 3_600_000_000_000),
            "createdBy": "driftwatch tests",
            "comment": "maintenance of fraud-detector",
        ]
        let (status, body) = try await Self.send(
            "POST",
            base + "/api/v2/silences",
            try JSONSerialization.data(withJSONObject: silence)
        )
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
        let silenceID = try #require(
            (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["silenceID"] as? String
        )
        var state: [String: Any] = [:]
        #expect(
            try await eventually {
                state = try await Self.jsonArray(base + query).first?["status"] as? [String: Any] ?? [:]
                return state["state"] as? String == "suppressed"
            },
            "\(state)"
        )
        #expect(state["silencedBy"] as? [String] == [silenceID])

        let metrics = try await collector.get("/metrics").body
        #expect(
            (Self.value(metrics, #"driftwatch_alert_deliveries_total{sink="alertmanager",result="success"}"#) ?? 0)
                >= 2
        )
        #expect(Self.value(metrics, #"driftwatch_alert_deliveries_total{sink="alertmanager",result="failure"}"#) == 0)
    }

    // MARK: Helpers

    /// The number after `prefix` in `log`, e.g. the port in the receiver's "listening PORT pid PID" line.
    static func number(after prefix: String, in log: String) -> Int? {
        guard let range = log.range(of: prefix) else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    /// What identifies one notification: the alert, its change and its update time.
    static func deliveryKey(_ entry: [String: Any]) -> String {
        let alert = entry["alert"] as? [String: Any]
        return "\(alert?["id"] ?? "-")/\(entry["change"] ?? "-")/\(alert?["updated_at_ns"] ?? "-")"
    }

    /// The value of `series` (name and labels exactly as rendered) in Prometheus text.
    static func value(_ metrics: String, _ series: String) -> Double? {
        for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// A running Alertmanager on a free loopback port with one route to a null receiver, clustering off.
    static func startAlertmanager(in directory: URL) throws -> (process: RunningProcess, port: Int) {
        let config = try writeTemporaryFile(
            """
            route:
              receiver: "null"
              group_wait: 1s
            receivers:
              - name: "null"
            """,
            name: "alertmanager.yml",
            in: directory
        )
        let port = try freeLoopbackPort()
        let process = try ChildProcess.start(
            URL(fileURLWithPath: "/usr/bin/prometheus-alertmanager"),
            [
                "--config.file=\(config)", "--storage.path=\(directory.path)/alertmanager",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
            ]
        )
        return (process, port)
    }

    /// GETs `url` until it answers, and decodes a JSON array of objects.
    static func jsonArray(_ url: String) async throws -> [[String: Any]] {
        guard let (status, body) = try? await send("GET", url, nil), status == 200 else { return [] }
        return (try JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []
    }

    /// Sends a request with an optional JSON body.
    static func send(_ method: String, _ url: String, _ body: Data?) async throws -> (Int, Data) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
