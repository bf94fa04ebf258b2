import Foundation
import TestSupport
import Testing

/// The agent's own HTTP endpoints, against the agent-only executable the sidecar image runs: routing, methods,
/// body limits and label ingestion, including a body large enough to be decoded off the event loop.
@Suite("Agent admin server", .serialized)
struct AgentAdminServerTests {
    /// An agent with no reachable collector: labels stay queued, which is all these tests read.
    private func startAgent(in directory: URL) throws -> AgentProcess {
        try AgentProcess(
            [
                "--collector", "tcp://127.0.0.1:9", "--model", "admin", "--udp", "127.0.0.1:0",
                "--spool-dir", directory.appendingPathComponent("spool").path,
            ],
            expectUDP: true,
            standalone: true
        )
    }

    @Test("Unknown paths answer 404, wrong methods 405, HEAD the status without a body")
    func routing() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let agent = try startAgent(in: directory)
        defer { agent.process.signal(SIGTERM) }
        let base = "http://\(agent.httpAddress)"

        let missing = try await HTTP.request("GET", "\(base)/nothing-here")
        #expect(missing.status == 404)
        #expect(missing.body.contains("/nothing-here"))
        #expect(try await HTTP.request("GET", "\(base)/labels").status == 405)
        #expect(try await HTTP.request("POST", "\(base)/metrics", body: Data("x".utf8)).status == 405)
        let head = try await HTTP.request("HEAD", "\(base)/healthz")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        let health = try await HTTP.request("GET", "\(base)/healthz?verbose=1")
        #expect(health.status == 200)
        #expect(health.body.contains(#""status":"ok""#))
        let metrics = try await HTTP.request("GET", "\(base)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("# TYPE driftwatch_agent_labels_recorded_total counter"))
    }

    @Test("POST /labels takes arrays and JSON lines, small and large; over 16 MiB is refused with 413")
    func labels() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let agent = try startAgent(in: directory)
        defer { agent.process.signal(SIGTERM) }
        let base = "http://\(agent.httpAddress)"

        let array = Data(#"[{"request_id":"a-1","label":1},{"request_id":"a-2","label":0}]"#.utf8)
        let small = try await HTTP.request("POST", "\(base)/labels", body: array)
        #expect(small.status == 202)
        #expect(small.body.contains(#""accepted":2"#))

        // About 150 KB of JSON lines: decoded on the thread pool. One line is broken and is rejected alone.
        var lines = (0..<3_000).map { #"{"request_id":"l-\#($0)","label":\#($0 % 2)}"# }
        lines[1_500] = #"{"request_id": "broken", "label": "#
        let large = try await HTTP.request("POST", "\(base)/labels", body: Data(lines.joined(separator: "\n").utf8))
        #expect(large.status == 202)
        #expect(large.body.contains(#""accepted":2999"#))
        #expect(large.body.contains(#""rejected":1"#))

        let nothingValid = try await HTTP.request("POST", "\(base)/labels", body: Data("not json\n".utf8))
        #expect(nothingValid.status == 400)

        let tooLarge = try await HTTP.request(
            "POST",
            "\(base)/labels",
            body: Data(repeating: 0x20, count: 16 * 1024 * 1024 + 1)
        )
        #expect(tooLarge.status == 413)

        let recorded = try await agent.waitForMetric("labels_recorded_total") { $0 >= 3_001 }
        #expect(recorded == 3_001)
    }
}
