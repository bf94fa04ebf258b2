import Foundation
import TestSupport
import Testing

/// CURVE on the collector's sockets, the allow-list, per-agent rate limits: real processes over loopback.
@Suite("Security: CURVE, allow-list, limits", .serialized)
struct SecurityTests {
    private static func keygen(_ name: String, in directory: URL) throws {
        let output = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["keygen", name, "--output-dir", directory.path]
        )
        #expect(output.status == 0, "\(output.standardError)")
    }

    private static func send(_ lines: [String], to port: UInt16) async throws {
        let sender = UDPSender(port: port)
        defer { sender.close() }
        for (index, line) in lines.enumerated() {
            sender.send(line)
            if index % 100 == 99 { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    private static func metric(_ collector: CollectorProcess, _ series: String) async throws -> Double {
        let (_, text) = try await collector.get("/metrics")
        return text.split(separator: "\n").filter { $0.hasPrefix(series) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test("CURVE: an allow-listed agent and subscriber get through; an unknown agent and a keyless subscriber do not")
    func allowList() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let allow = directory.appendingPathComponent("allow")
        try FileManager.default.createDirectory(at: allow, withIntermediateDirectories: true)
        for name in ["collector", "agent", "rogue", "subscriber"] { try Self.keygen(name, in: directory) }
        for name in ["agent", "subscriber"] {
            try FileManager.default.copyItem(
                at: directory.appendingPathComponent("\(name).pub"),
                to: allow.appendingPathComponent("\(name).pub")
            )
        }
        let keyPath = { (name: String) in directory.appendingPathComponent(name).path }
        let collector = try CollectorProcess([
            "--config", try QuickDrift.configuration(in: directory), "--curve-secret", keyPath("collector.secret"),
            "--allow", allow.path,
        ])
        defer { _ = try? collector.stop() }

        let keyed = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            [
                "subscribe", "--connect", collector.alertEndpoint, "--json", "--curve-secret",
                keyPath("subscriber.secret"), "--collector-key", keyPath("collector.pub"),
            ]
        )
        defer { keyed.signal(SIGTERM) }
        let keyless = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            ["subscribe", "--connect", collector.alertEndpoint, "--json"]
        )
        defer { keyless.signal(SIGTERM) }
        #expect(keyed.waitForOutput(containing: "Subscribed"))
        #expect(keyless.waitForOutput(containing: "Subscribed"))

        let agent = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "trusted", "--udp", "127.0.0.1:0",
                "--spool-dir", keyPath("spool-agent"), "--curve-secret", keyPath("agent.secret"),
                "--collector-key", keyPath("collector.pub"),
            ],
            expectUDP: true
        )
        defer { agent.process.signal(SIGTERM) }
        let rogue = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "intruder", "--udp", "127.0.0.1:0",
                "--spool-dir", keyPath("spool-rogue"), "--curve-secret", keyPath("rogue.secret"),
                "--collector-key", keyPath("collector.pub"),
            ],
            expectUDP: true
        )
        defer { rogue.process.signal(SIGTERM) }
        try await Self.send(QuickDrift.lines("trusted"), to: try #require(agent.udpPort))
        try await Self.send(QuickDrift.lines("intruder"), to: try #require(rogue.udpPort))

        #expect(try await agent.waitForMetric("events_acknowledged_total") { $0 >= 80 } == 80)
        let trusted = try await collector.waitForModel("trusted") { ($0["events_seen"] as? Int) == 80 }
        #expect(trusted?["events_seen"] as? Int == 80)
        // The alert reaches the keyed subscriber.
        #expect(keyed.waitForOutput(containing: #""model":"trusted""#, timeout: .seconds(30)))

        // The rogue agent is refused at the handshake: counted, logged with its key, nothing of it ingested.
        let deadline = ContinuousClock.now + .seconds(20)
        while try await Self.metric(collector, "driftwatch_zap_decisions_total{result=\"refused\"") < 1,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(200))
        }
        // The rogue agent's handshake is refused by the allow-list. (The keyless subscriber never gets that far:
        // a plain socket cannot even start a CURVE handshake.)
        let refused = try await Self.metric(collector, "driftwatch_zap_decisions_total{result=\"refused\"")
        #expect(refused >= 1, "\(collector.process.standardErrorSoFar.suffix(1500))")
        #expect(try await collector.modelVersion("intruder") == nil)
        #expect(try await rogue.metric("events_acknowledged_total") == 0)
        #expect(try await rogue.metric("spool_events") == 80)
        let rogueKey = try #require(
            try String(contentsOf: directory.appendingPathComponent("rogue.pub"), encoding: .utf8)
                .split(separator: "\n").first { $0.hasPrefix("public-key") }?.split(separator: "\"").dropFirst().first
        )
        #expect(collector.process.standardErrorSoFar.contains(String(rogueKey)))
        // The keyless subscriber saw nothing, though the keyed one got the alert.
        #expect(keyless.standardOutputSoFar.isEmpty)
    }

    @Test("With CURVE, a loopback capture holds no plaintext feature names or values; without it, it does")
    func captureHasNoPlaintext() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["collector", "agent"] { try Self.keygen(name, in: directory) }
        let keyPath = { (name: String) in directory.appendingPathComponent(name).path }

        func capture(curve: Bool) async throws -> Data {
            var arguments = ["--config", try QuickDrift.configuration(in: directory)]
            if curve { arguments += ["--curve-secret", keyPath("collector.secret"), "--allow", keyPath("agent.pub")] }
            let collector = try CollectorProcess(arguments)
            defer { _ = try? collector.stop() }
            let port = try #require(collector.ingestEndpoint.split(separator: ":").last)
            let pcap = keyPath("capture-\(curve).pcap")
            let tshark = try ChildProcess.start(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["tshark", "-i", "lo", "-f", "tcp port \(port)", "-w", pcap, "-a", "duration:12"]
            )
            #expect(tshark.waitForOutput(containing: "Capturing on", timeout: .seconds(30)))
            var agentArguments = [
                "--collector", collector.ingestEndpoint, "--model", "private-model", "--udp", "127.0.0.1:0",
                "--spool-dir", keyPath("spool-\(curve)"),
            ]
            if curve {
                agentArguments += [
                    "--curve-secret", keyPath("agent.secret"), "--collector-key", keyPath("collector.pub"),
                ]
            }
            let agent = try AgentProcess(agentArguments, expectUDP: true)
            defer { agent.process.signal(SIGTERM) }
            let lines = Array(
                repeating: #"{"features":{"patient_blood_glucose":98765.4321,"diagnosis":"confidential-dx"}}"#,
                count: 200
            )
            try await Self.send(lines, to: try #require(agent.udpPort))
            #expect(try await agent.waitForMetric("events_acknowledged_total") { $0 >= 200 } == 200)
            _ = try tshark.waitForExit(timeout: .seconds(60))
            return try Data(contentsOf: URL(fileURLWithPath: pcap))
        }

        let secrets = ["patient_blood_glucose", "confidential-dx", "private-model"].map { Data($0.utf8) }
        let plain = try await capture(curve: false)
        // The control: in plain text the names are on the wire, so the search below can find them.
        #expect(secrets.allSatisfy { plain.range(of: $0) != nil })
        let encrypted = try await capture(curve: true)
        #expect(encrypted.count > 1000, "the capture saw the CURVE traffic")
        #expect(secrets.allSatisfy { encrypted.range(of: $0) == nil })
    }

    @Test("Flood: an agent at 10× its rate with 10,000 model names is capped and counted; other models still alert")
    func flood() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let collector = try CollectorProcess([
            "--config", try QuickDrift.configuration(in: directory, extra: "limits:\n  max_models: 200"),
            "--agent-rate-limit", "1000",
        ])
        defer { _ = try? collector.stop() }
        let subscriber = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            ["subscribe", "--connect", collector.alertEndpoint, "--json", "--model", "steady"]
        )
        defer { subscriber.signal(SIGTERM) }
        #expect(subscriber.waitForOutput(containing: "Subscribed"))
        let good = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "steady", "--udp", "127.0.0.1:0",
                "--spool-dir", directory.appendingPathComponent("spool-good").path,
            ],
            expectUDP: true
        )
        defer { good.process.signal(SIGTERM) }
        let flooder = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "flood", "--udp", "127.0.0.1:0",
                "--spool-dir", directory.appendingPathComponent("spool-flood").path, "--batch-size", "100",
            ],
            expectUDP: true
        )
        defer { flooder.process.signal(SIGTERM) }
        let traffic = QuickDrift.lines("steady")
        try await Self.send(Array(traffic.prefix(40)), to: try #require(good.udpPort))
        _ = try await collector.waitForModel("steady") { ($0["events_seen"] as? Int) == 40 }

        // 10,000 events/s for 5 s against a limit of 1,000/s, each event a new model name.
        let floodPort = try #require(flooder.udpPort)
        let sender = UDPSender(port: floodPort)
        for second in 0..<5 {
            let start = ContinuousClock.now
            for index in 0..<10_000 {
                sender.send(#"{"model":"m-\#((second * 10_000 + index) % 10_000)","features":{"x":1}}"#)
                if index % 500 == 499 { try await Task.sleep(for: .milliseconds(40)) }
            }
            try await Task.sleep(until: start + .seconds(1))
        }
        sender.close()
        try await Self.send(Array(traffic.suffix(40)), to: try #require(good.udpPort))

        #expect(subscriber.waitForOutput(containing: #""model":"steady""#, timeout: .seconds(60)))
        _ = try await flooder.waitForMetric("spool_events", timeout: .seconds(60)) { $0 == 0 }
        let rateLimited = try await Self.metric(collector, "driftwatch_messages_rejected_total{reason=\"rate_limited\"")
        #expect(rateLimited > 0)
        #expect(collector.process.standardErrorSoFar.contains("over its event rate limit"))
        // Past the 200-model cap, the flood's other model names are dropped and counted.
        #expect(try await Self.metric(collector, "driftwatch_engine_dropped_total{what=\"model_events\"") > 0)
        let (_, models) = try await collector.get("/api/v1/models")
        let listed = (try JSONSerialization.jsonObject(with: Data(models.utf8)) as? [String: Any])?["models"] as? [Any]
        #expect((listed?.count ?? 0) <= 200, "the model cap holds")
        // Memory stays bounded by the caps: well under 512 MiB resident.
        let status = try String(contentsOfFile: "/proc/\(collector.process.processIdentifier)/status", encoding: .utf8)
        let resident =
            status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { $0.split(whereSeparator: \.isWhitespace).dropFirst().first }.flatMap { Int($0) } ?? 0
        #expect(resident > 0 && resident < 512 * 1024)
    }

    @Test("HTTP: a bearer token guards the write endpoints (and reads when asked); probes stay open")
    func bearerToken() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token").path
        let token = "s3cret-token-0123456789"
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        for protectReads in [false, true] {
            let collector = try CollectorProcess(
                ["--api-token-file", tokenFile] + (protectReads ? ["--api-token-for-reads"] : [])
            )
            defer { _ = try? collector.stop() }
            let base = "http://127.0.0.1:\(collector.httpPort)"
            let body = Data(#"{"model":"m","reason":"test"}"#.utf8)
            let json = ["Content-Type": "application/json"]
            #expect(try await HTTP.request("POST", base + "/api/v1/triggers", body: body, headers: json).status == 401)
            let wrong = json.merging(["Authorization": "Bearer s3cret-token-0123456788"]) { $1 }
            #expect(try await HTTP.request("POST", base + "/api/v1/triggers", body: body, headers: wrong).status == 401)
            let right = json.merging(["Authorization": "Bearer \(token)"]) { $1 }
            #expect(try await HTTP.request("POST", base + "/api/v1/triggers", body: body, headers: right).status != 401)
            #expect(try await HTTP.request("GET", base + "/api/v1/models").status == (protectReads ? 401 : 200))
            #expect(try await HTTP.request("GET", base + "/metrics").status == (protectReads ? 401 : 200))
            #expect(
                try await HTTP.request("GET", base + "/api/v1/models", headers: ["Authorization": "Bearer \(token)"])
                    .status == 200
            )
            #expect(try await HTTP.request("GET", base + "/healthz").status == 200)
            #expect(try await HTTP.request("GET", base + "/readyz").status == 200)
        }
    }
}
