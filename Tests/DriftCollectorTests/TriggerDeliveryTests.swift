import DriftProtocol
import Foundation
import TestSupport
import Testing

/// Retraining triggers as a training system sees them: real collector processes, `driftwatch simulate` as the
/// model, and `examples/training_receiver.py` (pyzmq) as the training system, over tcp://127.0.0.1.
@Suite("Retraining triggers", .serialized)
struct TriggerDeliveryTests {
    /// `examples/training_receiver.py` in this checkout.
    static let receiverScript = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/training_receiver.py")

    /// `fastConfiguration` with a retrain policy on data drift.
    static let configuration =
        fastConfiguration + """

              retrain:
                enabled: true
                kinds: [data_drift]
                min_drifted_features: 1
                cooldown: 1h
                max_per_day: 3
            """

    /// Starts the receiver on `endpoint` (default: an ephemeral port) and returns it with its bound endpoint.
    static func startReceiver(
        _ endpoint: String = "tcp://127.0.0.1:*",
        _ extra: [String] = []
    ) throws -> (RunningProcess, String) {
        let receiver = try ChildProcess.startPython(receiverScript, ["--bind", endpoint] + extra)
        #expect(receiver.waitForOutput(containing: "listening tcp://"))
        let bound = receiver.standardErrorSoFar.split(separator: " ").first { $0.hasPrefix("tcp://") }
        return (receiver, String(bound ?? ""))
    }

    /// The JSON lines the receiver printed so far.
    static func received(_ receiver: RunningProcess) -> [[String: Any]] {
        receiver.standardOutputSoFar.split(separator: "\n").compactMap { try? jsonObject(String($0)) }
    }

    static func retrained(_ receiver: RunningProcess) -> [[String: Any]] {
        received(receiver).filter { $0["event"] as? String == "retrain" }.compactMap { $0["trigger"] as? [String: Any] }
    }

    static func triggers(_ collector: CollectorProcess, _ query: String = "") async throws -> [[String: Any]] {
        try jsonObject(try await collector.get("/api/v1/triggers\(query)").body)["triggers"] as? [[String: Any]] ?? []
    }

    @Test("Drift injected by simulate fires an alert and a trigger that the pyzmq receiver and an exec hook receive")
    func endToEnd() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(Self.configuration, name: "collector.yaml", in: directory)
        let (receiver, endpoint) = try Self.startReceiver()
        defer { receiver.signal(SIGKILL) }
        let hookOutput = directory.appendingPathComponent("hook.jsonl").path
        let hook =
            "printf '%s %s %s ' \"$DRIFTWATCH_TRIGGER_ID\" \"$DRIFTWATCH_MODEL\" \"$DRIFTWATCH_MODEL_VERSION\" >> \(hookOutput); "
            + "cat >> \(hookOutput); echo >> \(hookOutput)"
        let collector = try CollectorProcess([
            "--config", config, "--state", directory.appendingPathComponent("state.sqlite").path,
            "--trigger-zmq", endpoint, "--trigger-exec", hook,
        ])
        defer { _ = try? collector.stop() }

        let run = try simulate(
            to: collector.ingestEndpoint,
            ["--rate", "500", "--duration", "40", "--seed", "11", "--incident", "feature_drift@10+15:amount*3"]
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try await eventually { !Self.retrained(receiver).isEmpty })
        #expect(
            try await eventually {
                try await Self.triggers(collector).allSatisfy { $0["state"] as? String == "delivered" }
            }
        )

        let triggers = Self.retrained(receiver)
        #expect(triggers.count == 1, "\(triggers)")
        let trigger = try #require(triggers.first)
        #expect(trigger["model"] as? String == "fraud-detector")
        #expect(trigger["model_version"] as? String == "v1")
        #expect(trigger["source"] as? String == "policy")
        let id = try #require(trigger["trigger_id"] as? String)
        // The evidence: the drifted feature with its statistic, p-value and threshold, and the alert behind it.
        let evidence = try #require(trigger["evidence"] as? [String: Any])
        #expect(evidence["statistic"] as? String == "ks")
        #expect((evidence["p_value"] as? Double ?? 1) <= 0.01)
        #expect((evidence["top_features"] as? [[String: Any]])?.first?["feature"] as? String == "amount")
        let alerts = try #require(trigger["alerts"] as? [[String: Any]])
        #expect(alerts.map { $0["feature"] as? String } == ["amount"])
        #expect(alerts.first?["kind"] as? String == "data_drift")
        #expect(trigger["alert_ids"] as? [String] == alerts.map { $0["id"] as? String ?? "" })
        let features = try #require(trigger["features"] as? [[String: Any]])
        #expect(features.count == 10)
        let drifted = features.filter { $0["drifted"] as? Bool == true }.compactMap { $0["feature"] as? String }
        #expect(drifted == ["amount"])
        #expect(features.allSatisfy { $0["effect_size_threshold"] is Double && $0["test"] is String })
        // The data window is the drifted current window: inside the incident (10-25 s after the first event).
        let window = try #require(trigger["data_window"] as? [String: Any])
        let start = try #require(window["start_ns"] as? Int64)
        let end = try #require(window["end_ns"] as? Int64)
        let reference = try #require((evidence["reference"] as? [String: Any])?["range"] as? [String: Any])
        let referenceStart = try #require(reference["start_ns"] as? Int64)
        #expect(start < end)
        #expect(start >= referenceStart + 10_000_000_000 && end <= referenceStart + 26_000_000_000)

        // The exec hook got the same payload on stdin and the key fields in its environment.
        let hookLines = try String(contentsOfFile: hookOutput, encoding: .utf8).split(separator: "\n")
        #expect(hookLines.count == 1)
        #expect(hookLines.first?.hasPrefix("\(id) fraud-detector v1 {") == true)
        // The API and `driftwatch triggers list` show it delivered to both sinks.
        let listed = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["triggers", "list", "--http", "127.0.0.1:\(collector.httpPort)"]
        )
        #expect(listed.standardOutput.contains("\(id)  delivered  fraud-detector v1  policy"))
        #expect(listed.standardOutput.components(separatedBy: "delivered after 1 attempt(s)").count == 3)
    }

    @Test("A receiver that acknowledges slowly and twice starts one retraining; the collector records one delivery")
    func slowAndDoubleAcknowledgements() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(Self.configuration, name: "collector.yaml", in: directory)
        // Takes 3 s over each new trigger (the collector gives up after 0.5 s and resends), answers every one twice.
        let (receiver, endpoint) = try Self.startReceiver("tcp://127.0.0.1:*", ["--ack-delay", "3", "--ack-twice"])
        defer { receiver.signal(SIGKILL) }
        let collector = try CollectorProcess([
            "--config", config, "--trigger-zmq", endpoint, "--trigger-timeout", "0.5",
            "--trigger-retry-initial", "0.2", "--trigger-retry-max", "1",
        ])
        defer { _ = try? collector.stop() }
        let run = try simulate(to: collector.ingestEndpoint, ["--rate", "500", "--duration", "3", "--seed", "5"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try await eventually { try await collector.get("/api/v1/models/fraud-detector").status == 200 })

        var ids: [String] = []
        for index in 0..<3 {
            let made = try ChildProcess.run(
                ChildProcess.driftwatchExecutable,
                [
                    "trigger", "fraud-detector", "--reason", "labelled data \(index)", "--http",
                    "127.0.0.1:\(collector.httpPort)", "--json",
                ]
            )
            #expect(made.status == 0, "\(made.standardError)")
            ids.append(try jsonObject(made.standardOutput)["trigger_id"] as? String ?? "")
        }
        #expect(
            try await eventually(timeout: .seconds(60)) {
                try await Self.triggers(collector).filter { $0["state"] as? String == "delivered" }.count == 3
            }
        )
        let retrained = Self.retrained(receiver).compactMap { $0["trigger_id"] as? String }
        let duplicates = Self.received(receiver).filter { $0["event"] as? String == "duplicate" }
        #expect(retrained.sorted() == ids.sorted())
        // The collector did resend (so the test exercised the deduplication), and the deliveries took several attempts.
        #expect(!duplicates.isEmpty)
        let attempts = try await Self.triggers(collector).compactMap {
            ($0["deliveries"] as? [[String: Any]])?.first?["attempts"] as? Int
        }
        #expect(attempts.allSatisfy { $0 >= 2 }, "\(attempts)")
    }
}
