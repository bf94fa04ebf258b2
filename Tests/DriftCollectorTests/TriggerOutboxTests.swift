import DriftProtocol
import Foundation
import TestSupport
import Testing

@testable import DriftCollector

/// The durable trigger outbox (SQLite), the retry schedule and the webhook and exec senders, in-process against a
/// real database file, a real HTTP receiver and real commands.
@Suite("Trigger outbox and senders")
struct TriggerOutboxTests {
    static func trigger(_ id: String, model: String = "fraud") -> RetrainTrigger {
        RetrainTrigger(
            id: id,
            model: model,
            modelVersion: "v1",
            reason: "fraud v1: feature amount drifted",
            createdAt: 1_700_000_000_000_000_000,
            evidence: AlertEvidence(
                statistic: "ks",
                value: 0.4,
                pValue: 0.001,
                threshold: 0.01,
                reference: WindowSummary(size: 10, range: TimeRange(start: 0, end: 1)),
                current: WindowSummary(size: 5, range: TimeRange(start: 2, end: 3))
            ),
            alertIDs: ["a1"],
            dataWindow: TimeRange(start: 2, end: 3),
            source: "policy"
        )
    }

    static let summary = TriggerSummary(
        id: "trg-1",
        model: "fraud",
        modelVersion: "v1",
        reason: "drift",
        createdAt: 5,
        dataStart: 2,
        dataEnd: 3,
        source: "policy"
    )

    @Test(
        "Written once per id, claimed before sending, retried after a crash, delivered: and all of it survives reopening"
    )
    func lifecycleSurvivesReopening() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.sqlite").path
        let sinks = ["zmq:tcp://127.0.0.1:1", "exec:true"]
        do {
            let outbox = try TriggerOutbox(path: path)
            #expect(
                try outbox.record(
                    [Self.trigger("t1"), Self.trigger("t2")],
                    sinks: sinks,
                    evaluator: Data("e1".utf8),
                    now: 10
                ) == ["t1", "t2"]
            )
            // The same episode decided again (after a crash) keeps one row and one delivery per sink.
            #expect(try outbox.record([Self.trigger("t1")], sinks: sinks, evaluator: Data("e2".utf8), now: 11).isEmpty)
            #expect(try outbox.list().map(\.state) == [.pending, .pending])
            let claimed = try outbox.claimDue(sink: sinks[0], now: 20, limit: 10)
            #expect(claimed.map(\.triggerID) == ["t1", "t2"])
            #expect(try outbox.trigger(id: "t1")?.deliveries.first { $0.sink == sinks[0] }?.state == .delivering)
            // Nothing is claimed twice.
            #expect(try outbox.claimDue(sink: sinks[0], now: 20, limit: 10).isEmpty)
            try outbox.markFailed("t2", sink: sinks[0], error: "no acknowledgement", retryAt: 1000)
            // The process dies here: t1 is left `delivering`.
        }
        let outbox = try TriggerOutbox(path: path)
        #expect(try outbox.loadEvaluator() == Data("e2".utf8))
        try outbox.resume(sinks: sinks + ["webhook:http://127.0.0.1:1/"], now: 30)
        let t1 = try #require(try outbox.trigger(id: "t1"))
        #expect(t1.trigger == Self.trigger("t1"))
        #expect(t1.deliveries.map(\.sink) == (sinks + ["webhook:http://127.0.0.1:1/"]).sorted())
        #expect(t1.deliveries.first { $0.sink == sinks[0] }?.state == .retrying)
        // t1 is due again at once; t2 waits for its backoff.
        #expect(try outbox.claimDue(sink: sinks[0], now: 31, limit: 10).map(\.triggerID) == ["t1"])
        #expect(try outbox.claimDue(sink: sinks[0], now: 999, limit: 10).isEmpty)
        let t2 = try #require(try outbox.claimDue(sink: sinks[0], now: 1000, limit: 10).first)
        #expect(t2.attempts == 1)
        for id in ["t1", "t2"] {
            for sink in sinks + ["webhook:http://127.0.0.1:1/"] { try outbox.markDelivered(id, sink: sink, now: 40) }
        }
        #expect(try outbox.list().map(\.state) == [.delivered, .delivered])
        #expect(try outbox.list(state: .retrying).isEmpty)
        #expect(try outbox.trigger(id: "t2")?.deliveries.first { $0.sink == sinks[0] }?.attempts == 2)
    }

    @Test("A trigger recorded with no sink is undeliverable until one is configured")
    func noSink() throws {
        let outbox = try TriggerOutbox(path: nil)
        try outbox.record([Self.trigger("t1")], sinks: [], evaluator: nil, now: 1)
        #expect(try outbox.list().map(\.state) == [.undeliverable])
        try outbox.resume(sinks: ["exec:true"], now: 2)
        #expect(try outbox.list().map(\.state) == [.pending])
    }

    @Test("Backoff doubles from the initial wait up to the cap, jittered within [50 %, 100 %]")
    func backoff() {
        let backoff = TriggerBackoff(initial: .seconds(1), maximum: .seconds(60))
        #expect(
            (1...8).map { backoff.nominalNanoseconds(afterFailures: $0) / 1_000_000_000 } == [
                1, 2, 4, 8, 16, 32, 60, 60,
            ]
        )
        #expect(backoff.nominalNanoseconds(afterFailures: 500) == 60_000_000_000)
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<1000).map { _ in backoff.delayNanoseconds(afterFailures: 3, using: &generator) }
        #expect(delays.allSatisfy { $0 >= 2_000_000_000 && $0 <= 4_000_000_000 })
        // Jittered: not all the same, and spread over the range.
        #expect(Set(delays).count > 900)
        #expect((delays.min() ?? 0) < 2_200_000_000 && (delays.max() ?? 0) > 3_800_000_000)
    }

    @Test("Exec: payload on stdin, key fields in the environment; exit 0 acknowledges, anything else fails")
    func execSender() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out").path
        let ok = ExecTriggerSender(
            command:
                "echo \"$DRIFTWATCH_TRIGGER_ID $DRIFTWATCH_MODEL $DRIFTWATCH_MODEL_VERSION $DRIFTWATCH_DATA_START_NS "
                + "$DRIFTWATCH_ATTEMPT\" > \(out); cat >> \(out)",
            timeout: .seconds(10)
        )
        #expect(ok.deliver(Self.summary, body: Array("{\"x\":1}".utf8), attempt: 3) == nil)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "trg-1 fraud v1 2 3\n{\"x\":1}")
        let failing = ExecTriggerSender(command: "exit 3", timeout: .seconds(10))
        #expect(failing.deliver(Self.summary, body: [], attempt: 1)?.contains("status 3") == true)
        let slow = ExecTriggerSender(command: "sleep 30", timeout: .milliseconds(300))
        #expect(slow.deliver(Self.summary, body: [], attempt: 1)?.contains("killed") == true)
        // A command that ignores a large payload neither blocks nor fails the delivery.
        let ignoring = ExecTriggerSender(command: "true", timeout: .seconds(10))
        #expect(ignoring.deliver(Self.summary, body: Array(repeating: 65, count: 1 << 20), attempt: 1) == nil)
    }

    @Test("Webhook: a 5xx fails the attempt, a 2xx acknowledges; the body is the trigger JSON")
    func webhookSender() throws {
        let receiver = try ChildProcess.startPython(
            pythonFolder.appendingPathComponent("webhook_receiver.py"),
            ["60", "1"]
        )
        defer { receiver.signal(SIGKILL) }
        #expect(receiver.waitForOutput(containing: "listening"))
        let port = try #require(
            receiver.standardErrorSoFar.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        )
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/hooks/retrain"))
        let sender = WebhookTriggerSender(url: url, timeout: .seconds(10))
        let body = try JSONBody.encode(Self.trigger("trg-1"))
        #expect(sender.deliver(Self.summary, body: body, attempt: 1)?.contains("HTTP 500") == true)
        #expect(sender.deliver(Self.summary, body: body, attempt: 2) == nil)
        #expect(receiver.waitForOutput(containing: "\"status\": 200"))
        let lines = receiver.standardOutputSoFar.split(separator: "\n").compactMap { try? jsonObject(String($0)) }
        #expect(lines.map { $0["status"] as? Int } == [500, 200])
        #expect((lines.last?["alert"] as? [String: Any])?["trigger_id"] as? String == "trg-1")
        #expect(lines.last?["path"] as? String == "/hooks/retrain")
        // Nothing listening: the attempt fails instead of hanging.
        let closed = WebhookTriggerSender(url: try #require(URL(string: "http://127.0.0.1:1/")), timeout: .seconds(2))
        #expect(closed.deliver(Self.summary, body: body, attempt: 1) != nil)
    }
}
