import Foundation
import TestSupport
import Testing

/// The agent as users run it: a `driftwatch agent` process between a real model server (Python, numpy) or a
/// model reporting JSON lines, and a real `driftwatch collector` process, over loopback.
@Suite("Agent end to end", .serialized)
struct AgentEndToEndTests {
    private static func configuration(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("collector.yaml").path
        try """
        defaults:
          evaluate_every_events: 10
          reference:
            policy: first_events
            events: 20
          current_window_events: 20
          error_rate:
            min_samples: 10
          latency:
            min_samples: 10
          accuracy:
            metric: mae
            min_labels: 10
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Proxy: the collector receives the model's features, predictions, latency and outcome; labels join")
    func proxyToCollector() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let collector = try CollectorProcess(["--config", try Self.configuration(in: directory)])
        defer { _ = try? collector.stop() }
        let (model, modelPort) = try PythonModelServer.start()
        defer { model.signal(SIGTERM) }
        let agent = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "iris", "--model-version", "3",
                "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:\(modelPort)",
                "--feature-names", "sepal_length,sepal_width,petal_length,petal_width",
                "--spool-dir", directory.appendingPathComponent("spool").path,
            ],
            expectProxy: true
        )
        defer { agent.process.signal(SIGTERM) }
        let proxy = try #require(agent.proxyAddress)

        // 40 requests, one of which (r-25) fails; labels for the others; then 10 more, one failing, so the
        // collector evaluates again with the labels joined and an error in its current window.
        var predictions: [String: Double] = [:]
        func predict(_ index: Int) async throws {
            if index == 25 || index == 45 {
                let (status, _) = try await HTTP.request(
                    "POST",
                    "http://\(proxy)/fail",
                    body: Data("{}".utf8),
                    headers: ["Content-Type": "application/json", "X-Request-ID": "r-\(index)"]
                )
                #expect(status == 500)
                return
            }
            let features = [1.0 + Double(index % 5), 2.0, 3.0, 4.0 + Double(index % 3)]
            let (status, text) = try await HTTP.request(
                "POST",
                "http://\(proxy)/v1/models/iris:predict",
                body: try JSONSerialization.data(withJSONObject: ["instances": [features]]),
                headers: ["Content-Type": "application/json", "X-Request-ID": "r-\(index)"]
            )
            #expect(status == 200)
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let prediction = try #require((answer["predictions"] as? [Double])?.first)
            // The model server's weights: 2, 3, -1, 0.5.
            #expect(prediction == 2 * features[0] + 3 * features[1] - features[2] + 0.5 * features[3])
            predictions["r-\(index)"] = prediction
        }
        for index in 0..<40 { try await predict(index) }

        // Labels go out after the predictions they belong to were recorded.
        #expect(try await agent.waitForMetric("events_recorded_total") { $0 >= 40 } == 40)
        let labels = predictions.sorted { $0.key < $1.key }.map { ["request_id": $0.key, "label": $0.value + 0.5] }
        let (labelStatus, labelBody) = try await HTTP.request(
            "POST",
            "http://\(agent.httpAddress)/labels",
            body: try JSONSerialization.data(withJSONObject: labels),
            headers: ["Content-Type": "application/json"]
        )
        #expect(labelStatus == 202, "\(labelBody)")
        #expect(labelBody.contains("\"accepted\":39"))
        _ = try await collector.waitForModel("iris", version: "3") { ($0["labels_joined"] as? Int) == 39 }
        for index in 40..<50 { try await predict(index) }

        let snapshot = try #require(
            try await collector.waitForModel("iris", version: "3") { ($0["events_seen"] as? Int) == 50 }
        )
        #expect(snapshot["events_seen"] as? Int == 50)
        #expect(snapshot["labels_joined"] as? Int == 39)
        #expect(snapshot["labels_unmatched"] as? Int == 0)
        // The current window is the last 20 events, one of them the failed r-45.
        #expect(snapshot["error_rate"] as? Double == 0.05)
        #expect((snapshot["latency_p50_us"] as? Double ?? 0) > 0)
        let names = Set(((snapshot["features"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        #expect(names == ["sepal_length", "sepal_width", "petal_length", "petal_width"])
        // Regression labels are each prediction + 0.5, so the mean absolute error is 0.5.
        let meanAbsoluteError = try #require(snapshot["accuracy"] as? Double)
        #expect(abs(meanAbsoluteError - 0.5) < 1e-9)
    }

    @Test("Collector down for 30 s while traffic continues: every event arrives exactly once")
    func collectorOutage() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.appendingPathComponent("state.sqlite").path
        var collector = try CollectorProcess(["--state", state])
        let ingest = collector.ingestEndpoint
        let agent = try AgentProcess(
            [
                "--collector", ingest, "--model", "outage", "--udp", "127.0.0.1:0",
                "--spool-dir", directory.appendingPathComponent("spool").path,
            ],
            expectUDP: true
        )
        defer { agent.process.signal(SIGTERM) }
        let sender = UDPSender(port: try #require(agent.udpPort))
        defer { sender.close() }

        var sent = 0
        func send(for duration: Duration) async throws {
            let end = ContinuousClock.now + duration
            while ContinuousClock.now < end {
                for _ in 0..<20 {
                    sender.send(#"{"request_id":"e-\#(sent)","latency_ms":3,"features":{"x":\#(sent % 100)}}"#)
                    sent += 1
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try await send(for: .seconds(3))
        _ = try collector.stop()
        try await send(for: .seconds(30))
        let spooled = try await agent.metric("spool_events")
        #expect(spooled > 0, "events waited in the spool while the collector was down")
        collector = try CollectorProcess(["--state", state, "--ingest", ingest])
        defer { _ = try? collector.stop() }
        try await send(for: .seconds(2))

        let total = sent
        let recorded = try await agent.waitForMetric("events_recorded_total") { $0 >= Double(total) }
        #expect(recorded == Double(total), "every datagram reached the agent")
        let acknowledged = try await agent.waitForMetric("events_acknowledged_total", timeout: .seconds(90)) {
            $0 >= Double(total)
        }
        #expect(acknowledged == Double(total))
        #expect(try await agent.metric("spool_events") == 0)
        let snapshot = try await collector.waitForModel("outage") { ($0["events_seen"] as? Int ?? 0) >= total }
        #expect(snapshot?["events_seen"] as? Int == total, "each event counted once across the restart")
        #expect(try await agent.metric("acknowledged_sequence") == (try await agent.metric("batches_stored_total")))
    }

    @Test("The agent-only executable, driftwatch-agent, takes the same options and delivers every event")
    func standaloneExecutable() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let collector = try CollectorProcess()
        defer { _ = try? collector.stop() }
        let agent = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "standalone", "--udp", "127.0.0.1:0",
                "--spool-dir", directory.appendingPathComponent("spool").path,
            ],
            expectUDP: true,
            standalone: true
        )
        defer { agent.process.signal(SIGTERM) }
        let sender = UDPSender(port: try #require(agent.udpPort))
        let events = 200
        for index in 0..<events {
            sender.send(#"{"request_id":"s-\#(index)","features":{"x":\#(index)},"latency_ms":\#(index % 7)}"#)
            if index % 50 == 49 { try await Task.sleep(for: .milliseconds(20)) }
        }
        sender.close()
        let snapshot = try await collector.waitForModel("standalone") { ($0["events_seen"] as? Int ?? 0) >= events }
        #expect(snapshot?["events_seen"] as? Int == events)
        #expect(try await agent.waitForMetric("spool_events") { $0 == 0 } == 0)
        // `driftwatch-agent agent …` is the same command.
        let help = try ChildProcess.run(
            ChildProcess.productsDirectory.appendingPathComponent("driftwatch-agent"),
            ["agent", "--help"]
        )
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--udp"))
        let version = try ChildProcess.run(
            ChildProcess.productsDirectory.appendingPathComponent("driftwatch-agent"),
            ["--version"]
        )
        #expect(version.status == 0)
        #expect(version.standardOutput.hasPrefix("driftwatch 0."))
        #expect(version.standardOutput.contains("wire protocol v"))
    }

    @Test("Agent killed with SIGKILL: the batches in its spool are delivered after a restart")
    func agentCrash() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A collector started and stopped only to learn a free endpoint; the agent first runs with it down.
        let probe = try CollectorProcess()
        let ingest = probe.ingestEndpoint
        _ = try probe.stop()
        let spool = directory.appendingPathComponent("spool").path
        let arguments = ["--collector", ingest, "--model", "crash", "--udp", "127.0.0.1:0", "--spool-dir", spool]
        let first = try AgentProcess(arguments, expectUDP: true)
        let sender = UDPSender(port: try #require(first.udpPort))
        let events = 500
        for index in 0..<events {
            sender.send(#"{"request_id":"c-\#(index)","features":{"x":\#(index)}}"#)
            if index % 50 == 49 { try await Task.sleep(for: .milliseconds(20)) }
        }
        sender.close()
        #expect(try await first.waitForMetric("spool_events") { $0 >= Double(events) } == Double(events))
        first.process.signal(SIGKILL)
        _ = try first.process.waitForExit(timeout: .seconds(10))

        let collector = try CollectorProcess(["--ingest", ingest])
        defer { _ = try? collector.stop() }
        let second = try AgentProcess(arguments, expectUDP: true)
        defer { second.process.signal(SIGTERM) }
        #expect(second.process.standardErrorSoFar.contains("resending batches left in the spool"))
        let snapshot = try await collector.waitForModel("crash") { ($0["events_seen"] as? Int ?? 0) >= events }
        #expect(snapshot?["events_seen"] as? Int == events)
        #expect(try await second.waitForMetric("spool_events") { $0 == 0 } == 0)
    }
}
