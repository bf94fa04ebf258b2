import DriftProtocol
import Foundation
import TestSupport
import Testing

/// Retraining triggers as a training system sees them: real collector processes, `driftwatch simulate` as the
/// model, and `examples/training_receiver.py` (pyzmq) as the training system, over tcp://127.0.0.1.
@Suite("Retraining triggers", .serialized)
struct TriggerDeliveryTests {
    /// `examples/training_receiver.py` in this checkout.
    static let receiverScript = ChildProcess.trainingReceiverScript

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
                let listed = try await Self.triggers(collector)
                return listed.count == 1 && listed.allSatisfy { $0["state"] as? String == "delivered" }
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

    @Test(
        "Receiver down for 60 s and the collector SIGKILLed while the trigger is pending: delivered once after both return"
    )
    func receiverOutageAndCollectorCrash() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(Self.configuration, name: "collector.yaml", in: directory)
        let state = directory.appendingPathComponent("state.sqlite").path
        let seen = directory.appendingPathComponent("seen.txt").path
        // Learn a free port from a first receiver, then take it down: the training system is away.
        let (first, endpoint) = try Self.startReceiver("tcp://127.0.0.1:*", ["--seen", seen])
        first.signal(SIGKILL)
        _ = try first.waitForExit(timeout: .seconds(10))
        let outageStarted = ContinuousClock.now
        let arguments = [
            "--config", config, "--state", state, "--trigger-zmq", endpoint, "--trigger-timeout", "1",
            "--trigger-retry-initial", "0.5", "--trigger-retry-max", "4",
        ]
        let collector = try CollectorProcess(arguments)
        let run = try simulate(
            to: collector.ingestEndpoint,
            ["--rate", "500", "--duration", "40", "--seed", "11", "--incident", "feature_drift@10+15:amount*3"]
        )
        #expect(run.status == 0, "\(run.standardError)")
        // The policy trigger is in the outbox and failing: retrying, with the reason.
        #expect(
            try await eventually {
                let listed = try await Self.triggers(collector)
                return listed.count == 1 && listed.first?["state"] as? String == "retrying"
            }
        )
        let before = try #require(try await Self.triggers(collector).first)
        let id = try #require(before["trigger_id"] as? String)
        let delivery = try #require((before["deliveries"] as? [[String: Any]])?.first)
        #expect((delivery["last_error"] as? String)?.contains("no acknowledgement") == true)

        collector.process.signal(SIGKILL)
        _ = try collector.process.waitForExit(timeout: .seconds(10))
        let restarted = try CollectorProcess(arguments)
        defer { _ = try? restarted.stop() }
        let after = try await Self.triggers(restarted)
        #expect(after.map { $0["trigger_id"] as? String } == [id])
        #expect(after.first?["state"] as? String != "delivered")

        // The receiver returns 60 s after it went away, on the same endpoint and with its record of ids.
        try await Task.sleep(until: outageStarted + .seconds(60))
        let (receiver, _) = try Self.startReceiver(endpoint, ["--seen", seen])
        defer { receiver.signal(SIGKILL) }
        #expect(
            try await eventually(timeout: .seconds(60)) {
                try await Self.triggers(restarted).first?["state"] as? String == "delivered"
            }
        )
        let retrained = Self.retrained(receiver).compactMap { $0["trigger_id"] as? String }
        #expect(retrained == [id])
        // One trigger in all: the restarted collector decided nothing twice.
        #expect(try await Self.triggers(restarted).count == 1)
        let finalDelivery = try #require(
            (try await Self.triggers(restarted).first?["deliveries"] as? [[String: Any]])?.first
        )
        #expect((finalDelivery["attempts"] as? Int ?? 0) >= 2)
    }

    /// Models `fleet-000` … `fleet-099`: the first half limited by cooldown, the second by the daily limit.
    static let fleetConfiguration = """
        defaults:
          evaluate_every_events: 250
          evaluate_every: 2s
          reference: {policy: first_events, events: 500}
          current_window_events: 500
          alerts: {for: 2s, keep_firing_for: 4s}
          traffic: {window: 10s, stall_after: 120s}
          retrain: {enabled: true, kinds: [data_drift], cooldown: 0s, max_per_day: 100}
        patterns:
          - match: "fleet-0[0-4]*"
            retrain: {cooldown: 1h}
          - match: "fleet-0[5-9]*"
            retrain: {max_per_day: 1}
        """

    @Test("100 models drifting twice at once: one trigger each (cooldown and daily limit hold), none lost or doubled")
    func hundredModels() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(Self.fleetConfiguration, name: "collector.yaml", in: directory)
        let (receiver, endpoint) = try Self.startReceiver()
        defer { receiver.signal(SIGKILL) }
        let collector = try CollectorProcess([
            "--config", config, "--state", directory.appendingPathComponent("state.sqlite").path,
            "--trigger-zmq", endpoint,
        ])
        defer { _ = try? collector.stop() }
        let run = try simulate(
            to: collector.ingestEndpoint,
            [
                // The first episode's alert resolves about 12 s after it ends (a 500-event window at 60 events/s,
                // then `keep_firing_for`); the second starts 18 s after, so that a loaded machine (the other
                // suites run beside this one) still sees two separate episodes.
                "--model", "fleet", "--models", "100", "--rate", "60", "--duration", "56", "--seed", "21",
                "--label-fraction", "0", "--incident", "feature_drift@10+10:amount*3",
                "--incident", "feature_drift@38+10:amount*3",
            ]
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(
            try await eventually(timeout: .seconds(120)) {
                let listed = try await Self.triggers(collector)
                return listed.count >= 100 && listed.allSatisfy { $0["state"] as? String == "delivered" }
            }
        )
        let listed = try await Self.triggers(collector)
        let models = listed.compactMap { $0["model"] as? String }
        #expect(listed.count == 100)
        #expect(Set(models).count == 100)
        // Every model drifted twice; the second episode was held back (by cooldown or by the daily limit).
        let metrics = try await collector.get("/metrics").body
        #expect(Self.counter("driftwatch_triggers_suppressed_total{reason=\"cooldown\"}", in: metrics) >= 40)
        #expect(Self.counter("driftwatch_triggers_suppressed_total{reason=\"daily_limit\"}", in: metrics) >= 40)
        // The receiver started exactly one retraining per trigger: nothing lost, nothing doubled.
        #expect(try await eventually { Self.retrained(receiver).count == 100 })
        let received = Self.retrained(receiver).compactMap { $0["trigger_id"] as? String }
        #expect(received.sorted() == listed.compactMap { $0["trigger_id"] as? String }.sorted())
    }

    static func counter(_ series: String, in metrics: String) -> Int {
        for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Int(Double(line.split(separator: " ").last ?? "") ?? 0)
        }
        return 0
    }

    @Test("A short drift replayed at full speed, firing and resolving between two clock ticks, still triggers once")
    func fastReplayBetweenTicks() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(
            """
            defaults:
              evaluate_every_events: 100
              evaluate_every: 1s
              reference: {policy: first_events, events: 1000}
              current_window_events: 300
              alerts: {for: 0s, keep_firing_for: 0s}
              traffic: {stall_after: 0s}
              retrain: {enabled: true, kinds: [data_drift]}
            """,
            name: "collector.yaml",
            in: directory
        )
        // No sink: the trigger waits in the outbox as undeliverable.
        let collector = try CollectorProcess(["--config", config])
        defer { _ = try? collector.stop() }
        let run = try simulate(
            to: collector.ingestEndpoint,
            ["--rate", "300", "--duration", "24", "--seed", "4", "--incident", "feature_drift@8+4:amount*3"]
        )
        #expect(run.status == 0, "\(run.standardError)")
        #expect(
            try await eventually {
                let alerts =
                    try jsonObject(try await collector.get("/api/v1/alerts").body)["alerts"] as? [[String: Any]] ?? []
                return alerts.contains { $0["feature"] as? String == "amount" && $0["state"] as? String == "resolved" }
            }
        )
        let listed = try await Self.triggers(collector)
        #expect(listed.count == 1, "\(listed)")
        #expect(listed.first?["state"] as? String == "undeliverable")
        #expect((listed.first?["reason"] as? String)?.contains("amount") == true)
    }
}
