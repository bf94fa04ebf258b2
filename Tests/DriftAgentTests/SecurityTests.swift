import Foundation
import TestSupport
import Testing

/// CURVE on the collector's sockets, the allow-list, per-agent rate limits: real processes over loopback.
@Suite("Security: CURVE, allow-list, limits", .serialized)
struct SecurityTests {
    /// Runs `driftwatch keygen NAME` into `directory` (NAME.secret and NAME.pub).
    static func keygen(_ name: String, in directory: URL) throws {
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

        let acknowledged = try await agent.waitForMetric("events_acknowledged_total") { $0 >= 80 }
        // What a failure here needs to be told apart: lost datagrams, a stuck spool, or a refused handshake.
        let recorded = try await agent.metric("events_recorded_total")
        let spooled = try await agent.metric("spool_events")
        #expect(
            acknowledged == 80,
            """
            agent: recorded \(recorded), spooled \(spooled)
            agent log: \(agent.process.standardErrorSoFar.suffix(1500))
            collector log: \(collector.process.standardErrorSoFar.suffix(1500))
            """
        )
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

    /// The public key (Z85) written in a `.pub` file by `driftwatch keygen`.
    static func publicKey(_ file: URL) throws -> String {
        let line = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("public-key") }
        return String(line?.split(separator: "\"").dropFirst().first ?? "")
    }

    @Test("Triggers over CURVE: the receiver with the expected key acknowledges; one with another key gets nothing")
    func triggerOverCurve() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["collector", "agent", "receiver", "impostor"] { try Self.keygen(name, in: directory) }
        let keyPath = { (name: String) in directory.appendingPathComponent(name).path }

        // The real training system admits only the collector's key; the impostor holds another server key.
        func startReceiver(_ secret: String) throws -> (RunningProcess, String) {
            let receiver = try ChildProcess.startPython(
                ChildProcess.trainingReceiverScript,
                ["--bind", "tcp://127.0.0.1:*", "--curve-secret", keyPath(secret), "--allow", keyPath("collector.pub")]
            )
            #expect(receiver.waitForOutput(containing: "listening tcp://"))
            let bound = receiver.standardErrorSoFar.split(separator: " ").first { $0.hasPrefix("tcp://") }
            return (receiver, String(bound ?? ""))
        }
        let (receiver, endpoint) = try startReceiver("receiver.secret")
        defer { receiver.signal(SIGKILL) }
        let (impostor, impostorEndpoint) = try startReceiver("impostor.secret")
        defer { impostor.signal(SIGKILL) }

        // Both sinks are configured with the real receiver's public key: the impostor cannot complete the handshake.
        let collector = try CollectorProcess([
            "--config", try QuickDrift.configuration(in: directory), "--curve-secret", keyPath("collector.secret"),
            "--allow", keyPath("agent.pub"), "--trigger-zmq", endpoint, "--trigger-zmq", impostorEndpoint,
            "--trigger-zmq-key", keyPath("receiver.pub"), "--trigger-timeout", "1", "--trigger-retry-initial", "0.2",
            "--trigger-retry-max", "1",
        ])
        defer { _ = try? collector.stop() }
        let agent = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "trusted", "--udp", "127.0.0.1:0",
                "--spool-dir", keyPath("spool"), "--curve-secret", keyPath("agent.secret"),
                "--collector-key", keyPath("collector.pub"),
            ],
            expectUDP: true
        )
        defer { agent.process.signal(SIGTERM) }
        try await Self.send(Array(QuickDrift.lines("trusted").prefix(20)), to: try #require(agent.udpPort))
        #expect(try await collector.waitForModel("trusted") { ($0["events_seen"] as? Int) == 20 } != nil)

        let made = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["trigger", "trusted", "--reason", "new labels", "--http", "127.0.0.1:\(collector.httpPort)", "--json"]
        )
        #expect(made.status == 0, "\(made.standardError)")
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(made.standardOutput.utf8)) as? [String: Any])?["trigger_id"]
                as? String
        )

        // Delivered to the receiver over CURVE and acknowledged.
        let deadline = ContinuousClock.now + .seconds(60)
        var deliveries: [String: [String: Any]] = [:]
        while ContinuousClock.now < deadline {
            let (_, body) = try await collector.get("/api/v1/triggers/\(id)")
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let list = (object?["deliveries"] as? [[String: Any]]) ?? []
            deliveries = Dictionary(list.map { ($0["sink"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            let impostorAttempts = deliveries["zmq:\(impostorEndpoint)"]?["attempts"] as? Int ?? 0
            if deliveries["zmq:\(endpoint)"]?["state"] as? String == "delivered", impostorAttempts >= 3 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(deliveries["zmq:\(endpoint)"]?["state"] as? String == "delivered", "\(deliveries)")
        #expect(receiver.waitForOutput(containing: id, timeout: .seconds(5)))
        let retrained = receiver.standardOutputSoFar.split(separator: "\n").filter { $0.contains(#""retrain""#) }
        #expect(retrained.count == 1 && retrained.first?.contains(#""model": "trusted""#) == true, "\(retrained)")
        // The impostor: several attempts, none acknowledged, nothing received.
        let other = try #require(deliveries["zmq:\(impostorEndpoint)"])
        #expect(other["state"] as? String != "delivered")
        #expect((other["attempts"] as? Int ?? 0) >= 3, "\(other)")
        #expect(impostor.standardOutputSoFar.isEmpty)
        #expect(!impostor.standardErrorSoFar.contains("refused"), "the handshake fails before the allow-list")
    }

    @Test("A plain --trigger-zmq beyond loopback is refused without --insecure; a key file must hold a public key")
    func plainTriggerEndpointRefused() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let refused = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["collector", "--trigger-zmq", "tcp://10.1.2.3:7790", "--http", "127.0.0.1:0"]
        )
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("tcp://10.1.2.3:7790 would carry triggers in plain TCP"))
        let noSecret = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["collector", "--trigger-zmq", "tcp://10.1.2.3:7790", "--trigger-zmq-key", "x.pub"]
        )
        #expect(noSecret.status != 0)
        #expect(noSecret.standardError.contains("--trigger-zmq-key needs --curve-secret"))
        try Self.keygen("collector", in: directory)
        let garbage = directory.appendingPathComponent("garbage.pub")
        try "public-key = \"not a key\"\n".write(to: garbage, atomically: true, encoding: .utf8)
        let badKey = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            [
                "collector", "--curve-secret", directory.appendingPathComponent("collector.secret").path, "--allow",
                directory.appendingPathComponent("collector.pub").path, "--trigger-zmq", "tcp://10.1.2.3:7790",
                "--trigger-zmq-key", garbage.path, "--http", "127.0.0.1:0", "--ingest", "tcp://127.0.0.1:*",
                "--alerts", "tcp://127.0.0.1:*",
            ]
        )
        #expect(badKey.status != 0)
        #expect(badKey.standardError.contains("--trigger-zmq-key: \(garbage.path):1: not a 40-character Z85 key"))
    }

    @Test("The agent's bearer token: POST /labels (and /metrics with --api-token-for-reads) need it; /healthz does not")
    func agentAPIToken() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = "agent-token-0123456789abcdef"
        let tokenFile = directory.appendingPathComponent("token")
        try "\(token)\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let collector = try CollectorProcess(["--config", try QuickDrift.configuration(in: directory)])
        defer { _ = try? collector.stop() }
        func start(_ name: String, _ extra: [String]) throws -> AgentProcess {
            try AgentProcess(
                [
                    "--collector", collector.ingestEndpoint, "--model", "labelled", "--udp", "127.0.0.1:0",
                    "--spool-dir", directory.appendingPathComponent(name).path, "--api-token-file", tokenFile.path,
                ] + extra,
                expectUDP: true
            )
        }
        let label = Data(#"{"request_id":"r-1","label":1}"#.utf8)
        let bearer = ["Authorization": "Bearer \(token)"]

        let writes = try start("spool-writes", [])
        defer { writes.process.signal(SIGTERM) }
        let base = "http://\(writes.httpAddress)"
        let missing = try await HTTP.request("POST", "\(base)/labels", body: label)
        #expect(missing.status == 401)
        let wrong = try await HTTP.request(
            "POST",
            "\(base)/labels",
            body: label,
            headers: ["Authorization": "Bearer agent-token-0123456789abcdeX"]
        )
        #expect(wrong.status == 401)
        let accepted = try await HTTP.request("POST", "\(base)/labels", body: label, headers: bearer)
        #expect(accepted.status == 202)
        #expect(accepted.body.contains(#""accepted":1"#), "\(accepted.body)")
        #expect(try await HTTP.request("GET", "\(base)/metrics").status == 200)
        #expect(try await HTTP.request("GET", "\(base)/healthz").status == 200)

        let reads = try start("spool-reads", ["--api-token-for-reads"])
        defer { reads.process.signal(SIGTERM) }
        let readBase = "http://\(reads.httpAddress)"
        #expect(try await HTTP.request("GET", "\(readBase)/metrics").status == 401)
        let metrics = try await HTTP.request("GET", "\(readBase)/metrics", headers: bearer)
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("driftwatch_agent_"))
        #expect(try await HTTP.request("GET", "\(readBase)/healthz").status == 200)

        // A token file too short to be a secret is refused at start-up, naming the file.
        let short = directory.appendingPathComponent("short")
        try "abc".write(to: short, atomically: true, encoding: .utf8)
        let refused = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            [
                "agent", "--collector", collector.ingestEndpoint, "--model", "labelled", "--udp", "127.0.0.1:0",
                "--http", "127.0.0.1:0", "--api-token-file", short.path,
            ]
        )
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("\(short.path) holds no token of at least 16 characters"))
    }

    /// Runs `curl -sS` with `arguments`; the body goes to stdout, followed by a last line with the HTTP status.
    private static func curl(_ arguments: [String]) throws -> ChildProcess.Output {
        try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"] + arguments
        )
    }

    /// Makes a self-signed certificate for 127.0.0.1 and localhost with the `openssl` CLI: NAME.crt and NAME.key.
    private static func selfSignedCertificate(_ name: String, in directory: URL) throws -> (String, String) {
        let certificate = directory.appendingPathComponent("\(name).crt").path
        let key = directory.appendingPathComponent("\(name).key").path
        let made = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=driftwatch-test",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ]
        )
        #expect(made.status == 0, "\(made.standardError)")
        return (certificate, key)
    }

    @Test(
        "HTTPS: the collector and the agent serve TLS with a self-signed certificate; plain HTTP fails; the CLI trusts --ca-file"
    )
    func httpsWithSelfSignedCertificate() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try Self.selfSignedCertificate("server", in: directory)
        let (_, otherKey) = try Self.selfSignedCertificate("other", in: directory)
        let collector = try CollectorProcess([
            "--config", try QuickDrift.configuration(in: directory), "--tls-certificate", certificate, "--tls-key", key,
        ])
        defer { _ = try? collector.stop() }
        let base = "https://127.0.0.1:\(collector.httpPort)"

        let health = try Self.curl(["--cacert", certificate, "\(base)/healthz"])
        #expect(health.status == 0, "\(health.standardError)")
        #expect(health.standardOutput == "ok\n\n200")
        // Without the CA the certificate is not trusted; plain HTTP to the TLS port gets no HTTP answer.
        let untrusted = try Self.curl(["\(base)/healthz"])
        #expect(untrusted.status != 0)
        let plain = try Self.curl(["http://127.0.0.1:\(collector.httpPort)/healthz"])
        #expect(plain.status != 0)
        #expect(!plain.standardOutput.contains("ok"))

        // The agent's admin server over TLS; it feeds the collector a model for the API calls below.
        let agent = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "tls-model", "--udp", "127.0.0.1:0",
                "--spool-dir", directory.appendingPathComponent("spool").path, "--tls-certificate", certificate,
                "--tls-key", key,
            ],
            expectUDP: true
        )
        defer { agent.process.signal(SIGTERM) }
        let agentHealth = try Self.curl(["--cacert", certificate, "https://\(agent.httpAddress)/healthz"])
        #expect(agentHealth.standardOutput.hasSuffix("\n200"), "\(agentHealth.standardOutput)")
        #expect(agentHealth.standardOutput.contains(#""status":"ok""#))
        #expect(try Self.curl(["http://\(agent.httpAddress)/healthz"]).status != 0)
        try await Self.send(Array(QuickDrift.lines("tls-model").prefix(20)), to: try #require(agent.udpPort))

        let deadline = ContinuousClock.now + .seconds(30)
        var models = try Self.curl(["--cacert", certificate, "\(base)/api/v1/models"])
        while !models.standardOutput.contains(#""model":"tls-model""#), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            models = try Self.curl(["--cacert", certificate, "\(base)/api/v1/models"])
        }
        #expect(models.standardOutput.contains(#""model":"tls-model""#), "\(models.standardOutput)")
        #expect(models.standardOutput.hasSuffix("\n200"))

        // The CLI over HTTPS, trusting the self-signed certificate with --ca-file.
        let listed = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["models", "--collector", base, "--ca-file", certificate, "--json"]
        )
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(listed.standardOutput.contains(#""model":"tls-model""#))
        let made = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["trigger", "tls-model", "--reason", "over https", "--http", base, "--ca-file", certificate, "--json"]
        )
        #expect(made.status == 0, "\(made.standardError)")
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(made.standardOutput.utf8)) as? [String: Any])?["trigger_id"]
                as? String
        )
        let triggers = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["triggers", "list", "--http", base, "--ca-file", certificate]
        )
        #expect(triggers.status == 0, "\(triggers.standardError)")
        #expect(triggers.standardOutput.contains(id))
        let refused = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["triggers", "list", "--http", base])
        #expect(refused.status != 0, "the system trust store does not know the self-signed certificate")
        #expect(refused.standardError.contains("cannot reach the collector at \(base)"))

        // A key that does not belong to the certificate, and a missing file, are start-up errors naming the files.
        let mismatched = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["collector", "--http", "127.0.0.1:0", "--tls-certificate", certificate, "--tls-key", otherKey]
        )
        #expect(mismatched.status != 0)
        #expect(
            mismatched.standardError.contains(
                "the private key in \(otherKey) does not belong to the certificate in \(certificate)"
            ),
            "\(mismatched.standardError)"
        )
        let missing = directory.appendingPathComponent("missing.key").path
        let unreadable = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            [
                "agent", "--collector", collector.ingestEndpoint, "--model", "tls-model", "--udp", "127.0.0.1:0",
                "--http", "127.0.0.1:0", "--tls-certificate", certificate, "--tls-key", missing,
            ]
        )
        #expect(unreadable.status != 0)
        #expect(unreadable.standardError.contains("cannot read \(missing)"), "\(unreadable.standardError)")
    }

    @Test("HTTPS on the proxy listener: a client trusting the certificate reaches the model and the call is recorded")
    func proxyOverHTTPS() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try Self.selfSignedCertificate("proxy", in: directory)
        let (model, modelPort) = try PythonModelServer.start()
        defer { model.signal(SIGTERM) }
        let collector = try CollectorProcess(["--config", try QuickDrift.configuration(in: directory)])
        defer { _ = try? collector.stop() }
        let agent = try AgentProcess(
            [
                "--collector", collector.ingestEndpoint, "--model", "proxied", "--listen", "127.0.0.1:0",
                "--upstream", "http://127.0.0.1:\(modelPort)", "--spool-dir",
                directory.appendingPathComponent("spool").path, "--tls-certificate", certificate, "--tls-key", key,
                "--proxy-tls",
            ],
            expectProxy: true
        )
        defer { agent.process.signal(SIGTERM) }
        let proxy = try #require(agent.proxyAddress)
        let body = #"{"instances":[[1,2,3,4]]}"#
        let predicted = try Self.curl([
            "--cacert", certificate, "-H", "Content-Type: application/json", "--data", body,
            "https://\(proxy)/v1/models/proxied:predict",
        ])
        #expect(predicted.status == 0, "\(predicted.standardError)")
        #expect(predicted.standardOutput.hasSuffix("\n200"), "\(predicted.standardOutput)")
        #expect(predicted.standardOutput.contains("predictions"))
        #expect(try Self.curl(["--data", body, "http://\(proxy)/v1/models/proxied:predict"]).status != 0)
        // The call was recorded and delivered: the collector sees the model's event.
        let seen = try await collector.waitForModel("proxied") { ($0["events_seen"] as? Int ?? 0) >= 1 }
        #expect(seen?["events_seen"] as? Int == 1)
    }

    @Test(
        "An https:// upstream with a private certificate: trusted with --upstream-ca-file; without it the proxy answers 502"
    )
    func httpsUpstream() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try Self.selfSignedCertificate("model", in: directory)
        let (model, modelPort) = try PythonModelServer.start(["--tls-certificate", certificate, "--tls-key", key])
        defer { model.signal(SIGTERM) }
        let collector = try CollectorProcess(["--config", try QuickDrift.configuration(in: directory)])
        defer { _ = try? collector.stop() }
        func proxy(_ name: String, _ extra: [String]) throws -> AgentProcess {
            try AgentProcess(
                [
                    "--collector", collector.ingestEndpoint, "--model", name, "--listen", "127.0.0.1:0",
                    "--upstream", "https://127.0.0.1:\(modelPort)", "--spool-dir",
                    directory.appendingPathComponent(name).path,
                ] + extra,
                expectProxy: true
            )
        }
        let body = Data(#"{"instances":[[1,2,3,4]]}"#.utf8)

        let trusting = try proxy("trusting", ["--upstream-ca-file", certificate])
        defer { trusting.process.signal(SIGTERM) }
        let answer = try await HTTP.request(
            "POST",
            "http://\(try #require(trusting.proxyAddress))/v1/models/m:predict",
            body: body
        )
        #expect(answer.status == 200)
        #expect(answer.body.contains("predictions"), "\(answer.body)")
        let seen = try await collector.waitForModel("trusting") { ($0["events_seen"] as? Int ?? 0) >= 1 }
        #expect(seen?["events_seen"] as? Int == 1)

        // The system's trust store does not know the self-signed certificate: no request reaches the model.
        let untrusting = try proxy("default-trust", [])
        defer { untrusting.process.signal(SIGTERM) }
        let refused = try await HTTP.request(
            "POST",
            "http://\(try #require(untrusting.proxyAddress))/v1/models/m:predict",
            body: body
        )
        #expect(refused.status == 502)

        let notHTTPS = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            [
                "agent", "--collector", collector.ingestEndpoint, "--model", "m", "--listen", "127.0.0.1:0",
                "--upstream", "http://127.0.0.1:\(modelPort)", "--upstream-ca-file", certificate,
                "--http", "127.0.0.1:0", "--spool-dir", directory.appendingPathComponent("plain").path,
            ]
        )
        #expect(notHTTPS.status != 0)
        #expect(notHTTPS.standardError.contains("needs an https:// upstream"), "\(notHTTPS.standardError)")
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
