import DriftProtocol
import Foundation
import TestSupport
import Testing

/// Scale-out over loopback: collectors as shards, an agent routing each model to its owner, one subscriber for all.
@Suite("Sharded collectors", .serialized)
struct ShardingTests {
    private struct Shard {
        let name: String
        let collector: CollectorProcess
        var entry: ShardMap.Shard {
            ShardMap.Shard(
                name: name,
                ingest: collector.ingestEndpoint,
                alerts: collector.alertEndpoint,
                http: "http://127.0.0.1:\(collector.httpPort)"
            )
        }
    }

    /// Writes a shard list; `keys` adds a line (e.g. `curve_key_file: …`) to the named shards.
    private static func writeList(_ shards: [Shard], to path: String, keys: [String: String] = [:]) throws {
        var text = "shards:\n"
        for shard in shards.map(\.entry) {
            text += "  - name: \(shard.name)\n    ingest: \(shard.ingest)\n"
            text += "    alerts: \(shard.alerts ?? "")\n    http: \(shard.http ?? "")\n"
            if let key = keys[shard.name] { text += "    \(key)\n" }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// 40 reference values near 0, then 40 drifted ones near 6, for each model.
    private static func sendTraffic(for models: [String], to port: UInt16) async throws {
        let sender = UDPSender(port: port)
        defer { sender.close() }
        var sent = 0
        for model in models {
            for line in QuickDrift.lines(model) {
                sender.send(line)
                sent += 1
                if sent % 200 == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
        }
    }

    /// The models of the data-drift alerts a `driftwatch subscribe --json` process has printed so far.
    private static func alertedModels(_ subscriber: RunningProcess) -> Set<String> {
        var models = Set<String>()
        for line in subscriber.standardOutputSoFar.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let model = object["model"] as? String
            else { continue }
            models.insert(model)
        }
        return models
    }

    private static func waitForAlerts(
        _ subscriber: RunningProcess,
        covering models: Set<String>,
        timeout: Duration = .seconds(120)
    ) async throws -> Set<String> {
        let deadline = ContinuousClock.now + timeout
        var seen = alertedModels(subscriber)
        while !models.isSubset(of: seen) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            seen = alertedModels(subscriber)
        }
        return seen
    }

    /// The models a shard's JSON API lists, polled until they are `expected` (the API serves a snapshot the
    /// collector refreshes about once a second) or 30 s pass.
    private static func monitoredModels(_ shard: Shard, expecting expected: Set<String>) async throws -> Set<String> {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let (_, body) = try await shard.collector.get("/api/v1/models")
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let models = Set(((object?["models"] as? [[String: Any]]) ?? []).compactMap { $0["model"] as? String })
            if models == expected || ContinuousClock.now >= deadline { return models }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    @Test("300 models over 3 shards reach one subscriber; a 4th shard takes about a quarter, alerting continues")
    func scaleOut() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = try QuickDrift.configuration(in: directory)
        var shards: [Shard] = []
        defer { for shard in shards { _ = try? shard.collector.stop() } }
        for name in ["shard-a", "shard-b", "shard-c"] {
            shards.append(Shard(name: name, collector: try CollectorProcess(["--config", configuration])))
        }
        let threeList = directory.appendingPathComponent("three.yaml").path
        try Self.writeList(shards, to: threeList)
        let three = try ShardMap(shards: shards.map(\.entry))
        let models = (0..<300).map { String(format: "model-%03d", $0) }

        let subscriber = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            ["subscribe", "--shards", threeList, "--json", "--kind", "data_drift"]
        )
        defer { subscriber.signal(SIGTERM) }
        #expect(subscriber.waitForOutput(containing: "Subscribed", timeout: .seconds(30)))
        let spool = directory.appendingPathComponent("spool").path
        var agent = try AgentProcess(
            ["--shards", threeList, "--model", "unnamed", "--udp", "127.0.0.1:0", "--spool-dir", spool],
            expectUDP: true
        )
        try await Self.sendTraffic(for: models, to: try #require(agent.udpPort))

        let alerted = try await Self.waitForAlerts(subscriber, covering: Set(models))
        #expect(alerted == Set(models), "missing: \(Set(models).subtracting(alerted).sorted().prefix(10))")
        for shard in shards {
            let owned = Set(models.filter { three.owner(of: $0).name == shard.name })
            let monitored = try await Self.monitoredModels(shard, expecting: owned)
            #expect(
                monitored == owned,
                "\(shard.name): extra \(monitored.subtracting(owned).sorted()), missing \(owned.subtracting(monitored).sorted())"
            )
            #expect((70...130).contains(owned.count), "\(shard.name) owns \(owned.count) of 300")
        }

        // A fourth shard: only the models that now hash to it move; the agent and the subscriber read the new list.
        shards.append(Shard(name: "shard-d", collector: try CollectorProcess(["--config", configuration])))
        let fourList = directory.appendingPathComponent("four.yaml").path
        try Self.writeList(shards, to: fourList)
        let four = try ShardMap(shards: shards.map(\.entry))
        let moved = models.filter { three.owner(of: $0).name != four.owner(of: $0).name }
        #expect((50...100).contains(moved.count), "about a quarter of 300 move (\(moved.count))")
        #expect(moved.allSatisfy { four.owner(of: $0).name == "shard-d" })

        agent.process.signal(SIGTERM)
        _ = try agent.process.waitForExit(timeout: .seconds(30))
        subscriber.signal(SIGTERM)
        let second = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            ["subscribe", "--shards", fourList, "--json", "--kind", "data_drift"]
        )
        defer { second.signal(SIGTERM) }
        #expect(second.waitForOutput(containing: "Subscribed", timeout: .seconds(30)))
        agent = try AgentProcess(
            ["--shards", fourList, "--model", "unnamed", "--udp", "127.0.0.1:0", "--spool-dir", spool],
            expectUDP: true
        )
        defer { agent.process.signal(SIGTERM) }
        // The new owner builds a fresh reference from the moved models' traffic (docs/sharding.md), then alerts.
        try await Self.sendTraffic(for: moved, to: try #require(agent.udpPort))
        let alertedAfter = try await Self.waitForAlerts(second, covering: Set(moved))
        #expect(Set(moved).isSubset(of: alertedAfter))
        let monitoredByNew = try await Self.monitoredModels(shards[3], expecting: Set(moved))
        #expect(monitoredByNew == Set(moved), "extra \(monitoredByNew.subtracting(moved).sorted())")

        let listing = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["models", "--shards", fourList, "--json"],
            timeout: .seconds(60)
        )
        #expect(listing.status == 0, "\(listing.standardError)")
        let rows = listing.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(rows.count == 300 + moved.count, "each moved model is listed on its old and its new shard")
        let stale = rows.filter { $0["owned"] as? Bool == false }.compactMap { $0["model"] as? String }
        #expect(Set(stale) == Set(moved))
    }

    @Test(
        "Two shards with their own CURVE key pairs: the agent routes to both; a subscriber falls back to --collector-key"
    )
    func perShardCurveKeys() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        for name in ["shard-a", "shard-b", "agent", "subscriber"] { try SecurityTests.keygen(name, in: keys) }
        let allow = directory.appendingPathComponent("allow")
        try FileManager.default.createDirectory(at: allow, withIntermediateDirectories: true)
        for name in ["agent", "subscriber"] {
            try FileManager.default.copyItem(
                at: keys.appendingPathComponent("\(name).pub"),
                to: allow.appendingPathComponent("\(name).pub")
            )
        }
        let keyPath = { (name: String) in keys.appendingPathComponent(name).path }
        let configuration = try QuickDrift.configuration(in: directory)
        var shards: [Shard] = []
        defer { for shard in shards { _ = try? shard.collector.stop() } }
        for name in ["shard-a", "shard-b"] {
            let collector = try CollectorProcess([
                "--config", configuration, "--curve-secret", keyPath("\(name).secret"), "--allow", allow.path,
            ])
            shards.append(Shard(name: name, collector: collector))
        }
        // The agent's list gives shard-a's key as a file (relative to the list) and shard-b's inline; the
        // subscriber's list gives only shard-a's, and --collector-key supplies shard-b's.
        let shardB = try SecurityTests.publicKey(keys.appendingPathComponent("shard-b.pub"))
        let agentList = directory.appendingPathComponent("agent-shards.yaml").path
        try Self.writeList(
            shards,
            to: agentList,
            keys: ["shard-a": "curve_key_file: keys/shard-a.pub", "shard-b": "curve_public_key: \"\(shardB)\""]
        )
        let subscriberList = directory.appendingPathComponent("subscriber-shards.yaml").path
        try Self.writeList(shards, to: subscriberList, keys: ["shard-a": "curve_key_file: keys/shard-a.pub"])
        let map = try ShardMap(shards: shards.map(\.entry))
        let models = (0..<12).map { "keyed-\($0)" }
        let owners = Dictionary(grouping: models) { map.owner(of: $0).name }
        #expect(owners.keys.sorted() == ["shard-a", "shard-b"], "both shards own some of \(models)")

        let subscriber = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            [
                "subscribe", "--shards", subscriberList, "--json", "--kind", "data_drift", "--curve-secret",
                keyPath("subscriber.secret"), "--collector-key", keyPath("shard-b.pub"),
            ]
        )
        defer { subscriber.signal(SIGTERM) }
        #expect(subscriber.waitForOutput(containing: "Subscribed", timeout: .seconds(30)))
        let agent = try AgentProcess(
            [
                "--shards", agentList, "--model", "unnamed", "--udp", "127.0.0.1:0", "--spool-dir",
                directory.appendingPathComponent("spool").path, "--curve-secret", keyPath("agent.secret"),
            ],
            expectUDP: true
        )
        defer { agent.process.signal(SIGTERM) }
        try await Self.sendTraffic(for: models, to: try #require(agent.udpPort))

        let alerted = try await Self.waitForAlerts(subscriber, covering: Set(models))
        #expect(alerted == Set(models), "missing: \(Set(models).subtracting(alerted).sorted())")
        for shard in shards {
            let owned = Set(owners[shard.name] ?? [])
            let monitored = try await Self.monitoredModels(shard, expecting: owned)
            #expect(monitored == owned, "\(shard.name)")
        }
        let sent = Double(80 * models.count)
        #expect(try await agent.waitForMetric("events_acknowledged_total") { $0 >= sent } == sent)

        // A shard without a key and no --collector-key is a start-up error naming the list and the shard.
        let missing = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            [
                "subscribe", "--shards", subscriberList, "--curve-secret", keyPath("subscriber.secret"),
                "--idle-timeout", "1",
            ]
        )
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("\(subscriberList): shard shard-b has no curve_public_key"))
    }
}
