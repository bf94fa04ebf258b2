import Foundation
import TestSupport
import Testing

/// The demo's model (examples/fraud_model_server.py) run by the agent as its supervised child, with the demo's clients
/// (examples/fraud_traffic.py) in front and a collector on the demo's configuration behind: the pieces `.ci/demo`
/// shows, checked end to end in a shorter run.
@Suite("Demo model behind the agent")
struct DemoModelTests {
    static let examples = ChildProcess.repositoryDirectory.appendingPathComponent("examples")

    @Test("Shifted client data and the model's own failures reach the collector as a drift and an error-rate alert")
    func driftAndFailures() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let collector = try CollectorProcess([
            "--config", ChildProcess.repositoryDirectory.appendingPathComponent("deploy/config/demo.yaml").path,
            "--state", directory.appendingPathComponent("state.sqlite").path,
        ])
        defer { _ = try? collector.stop() }
        let modelPort = try freeLoopbackPort()
        let agent = try AgentProcess(
            [
                "--model", "fraud-detector", "--collector", collector.ingestEndpoint, "--listen", "127.0.0.1:0",
                "--upstream", "http://127.0.0.1:\(modelPort)", "--spool-dir",
                directory.appendingPathComponent("spool").path,
                "--", "python3", Self.examples.appendingPathComponent("fraud_model_server.py").path,
                "--port", "\(modelPort)", "--errors", "4+4*0.5",
            ],
            expectProxy: true
        )
        defer { agent.process.signal(SIGTERM) }
        #expect(agent.process.waitForOutput(containing: "fraud model listening"), "\(agent.process.standardErrorSoFar)")
        let proxy = try #require(agent.proxyAddress)

        // 10,000 transactions in 1,000 requests; amount shifted by 3 sd for the last 6,000.
        let traffic = try ChildProcess.runPython(
            Self.examples.appendingPathComponent("fraud_traffic.py"),
            [
                "http://\(proxy)/v1/models/fraud-detector:predict", "--rate", "1000", "--duration", "10",
                "--drift", "4+6:amount*3",
            ],
            timeout: .seconds(120)
        )
        #expect(traffic.status == 0, "\(traffic.standardError)")
        #expect(traffic.standardOutput.contains("done: 1000 requests (10000 transactions), 1000 answered"))
        let failed = try #require(
            traffic.standardOutput.split(separator: "\n").last?.split(separator: ",").first { $0.contains("failed") }
        )
        let failures = try #require(Int(failed.split(separator: " ").first ?? ""))
        #expect(failures > 100 && failures < 900, "about half the requests of the model's 4 s of failures")

        let acknowledged = try await agent.waitForMetric("events_acknowledged_total") { $0 >= 10_000 }
        #expect(acknowledged == 10_000)
        #expect(try await agent.metric("proxy_upstream_errors_total", labels: "server_error") == Double(failures))
        let snapshot = try await collector.waitForModel("fraud-detector") { ($0["events_seen"] as? Int ?? 0) >= 10_000 }
        #expect(snapshot?["events_seen"] as? Int == 10_000)

        let (status, body) = try await collector.get("/api/v1/alerts")
        #expect(status == 200)
        let alerts =
            try #require(
                try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            )["alerts"] as? [[String: Any]]
        let raised = Set((alerts ?? []).map { "\($0["kind"] ?? "")/\($0["feature"] as? String ?? "-")" })
        #expect(raised.contains("data_drift/amount"), "\(raised)")
        #expect(raised.contains("error_rate/-"), "\(raised)")
        #expect(!raised.contains { $0.hasPrefix("data_drift/") && $0 != "data_drift/amount" }, "\(raised)")
    }
}
