import DriftProtocol
import Foundation
import TestSupport
import Testing

/// The collector as a user runs it: real processes over tcp://127.0.0.1 — the collector, `driftwatch simulate` as
/// the model and its agent, a pyzmq SUB and `driftwatch subscribe` as alert consumers.
@Suite("Collector end to end", .serialized)
struct CollectorEndToEndTests {
    @Test("Drift, an error spike and a latency spike fire alerts at a pyzmq SUB and driftwatch subscribe, then resolve")
    func incidentsRaiseAndResolveAlerts() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(fastConfiguration, name: "collector.yaml", in: directory)
        let collector = try CollectorProcess(["--config", config])
        defer { _ = try? collector.stop() }

        let python = try ChildProcess.startPython(
            pythonFolder.appendingPathComponent("collect_alerts.py"),
            [collector.alertEndpoint, "alert.fraud-detector.", "240", "20"]
        )
        let subscriber = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            ["subscribe", "--connect", collector.alertEndpoint, "--model", "fraud-detector", "--json"]
        )
        #expect(python.waitForOutput(containing: "subscribed"))
        #expect(subscriber.waitForOutput(containing: "Subscribed"))
        // Subscriptions travel asynchronously; give them a moment to reach the collector before traffic starts.
        try await Task.sleep(for: .milliseconds(500))

        let run = try simulate(
            to: collector.ingestEndpoint,
            [
                "--rate", "500", "--duration", "60", "--seed", "11",
                "--incident", "feature_drift@10+15:amount*3",
                "--incident", "error_spike@20+10*0.3",
                "--incident", "latency_spike@35+10*5",
            ]
        )
        #expect(run.status == 0, "\(run.standardError)")

        // Every alert must have resolved by the end: each incident ends well before the run does.
        #expect(
            try await eventually {
                let alerts =
                    try jsonObject(try await collector.get("/api/v1/alerts").body)["alerts"] as? [[String: Any]]
                return (alerts ?? []).contains { $0["kind"] as? String == "latency" }
            }
        )
        // The pyzmq consumer stops on its own 20 s after its last alert, however slow a loaded machine makes the run;
        // by then the subscriber, on the same PUB socket, has seen the same alerts, and SIGTERM ends it cleanly.
        let pythonOutput = try python.waitForExit(timeout: .seconds(300))
        subscriber.signal(SIGTERM)
        let subscribeOutput = try subscriber.waitForExit(timeout: .seconds(30))
        #expect(subscribeOutput.status == 0, "\(subscribeOutput.standardError)")
        let fromPython = pythonOutput.standardOutput.split(separator: "\n").compactMap { line in
            try? jsonObject(String(line))
        }
        let fromSubscribe = subscribeOutput.standardOutput.split(separator: "\n").compactMap { line in
            try? JSONBody.decode(Alert.self, from: Array(line.utf8))
        }

        for (source, alerts) in [
            ("pyzmq", fromPython.compactMap { $0["alert"] as? [String: Any] }.map(AlertSummary.init)),
            ("subscribe", fromSubscribe.map(AlertSummary.init)),
        ] {
            let firing = Set(alerts.filter { $0.state == "firing" }.map(\.key))
            let resolved = Set(alerts.filter { $0.state == "resolved" }.map(\.key))
            #expect(firing.contains("data_drift/amount"), "\(source): \(alerts)")
            #expect(firing.contains("error_rate/-"), "\(source): \(alerts)")
            #expect(firing.contains("latency/-"), "\(source): \(alerts)")
            #expect(resolved.contains("data_drift/amount"), "\(source): \(alerts)")
            #expect(resolved.contains("error_rate/-"), "\(source): \(alerts)")
            // Nothing about features that were not drifted.
            #expect(
                alerts.filter { $0.kind == "data_drift" }.allSatisfy { $0.feature == "amount" },
                "\(source): \(alerts)"
            )
        }
        for entry in fromPython {
            let topic = entry["topic"] as? String
            let kind = (entry["alert"] as? [String: Any])?["kind"] as? String
            #expect(topic == "alert.fraud-detector.\(kind ?? "?")")
        }
    }

    @Test("A stationary run of a million events raises no alert, and every event is counted once")
    func stationaryRunIsQuiet() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(fastConfiguration, name: "collector.yaml", in: directory)
        let collector = try CollectorProcess(["--config", config])
        defer { _ = try? collector.stop() }

        // 100 s of event time at 10 000 requests/s; `--fast` sends it as quickly as the collector acknowledges.
        let run = try simulate(to: collector.ingestEndpoint, ["--rate", "10000", "--duration", "100", "--seed", "3"])
        #expect(run.status == 0, "\(run.standardError)")
        let sent = try #require(Self.sentEvents(run.standardError))
        #expect(sent >= 1_000_000)

        #expect(
            try await eventually {
                try await collector.get("/metrics").body.contains("driftwatch_events_received_total \(sent)\n")
            }
        )
        let alerts = try jsonObject(try await collector.get("/api/v1/alerts").body)["alerts"] as? [[String: Any]]
        #expect(alerts?.isEmpty == true, "\(alerts ?? [])")
    }

    /// The event count in `simulate`'s summary line "sent N events".
    static func sentEvents(_ log: String) -> Int? {
        guard let range = log.range(of: "sent ") else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }
}

/// The parts of an alert the tests compare.
struct AlertSummary: CustomStringConvertible {
    let kind: String
    let feature: String?
    let state: String

    var key: String { "\(kind)/\(feature ?? "-")" }
    var description: String { "\(state) \(key)" }

    init(_ alert: Alert) {
        kind = alert.kind.rawValue
        feature = alert.feature
        state = alert.state.rawValue
    }

    init(_ json: [String: Any]) {
        kind = json["kind"] as? String ?? "?"
        feature = json["feature"] as? String
        state = json["state"] as? String ?? "?"
    }
}
