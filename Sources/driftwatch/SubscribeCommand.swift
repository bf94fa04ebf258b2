import ArgumentParser
import DriftAgent
import DriftProtocol
import DriftwatchAgentCommand
import Foundation
import ZeroMQ

/// `driftwatch subscribe`: a live feed of a collector's alerts, readable or as JSON lines.
struct SubscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Print the alerts a collector publishes, as a readable live feed or as JSON lines.",
        discussion: """
            Connects a SUB socket to the collector's alert PUB socket (default tcp://127.0.0.1:7702), to every \
            --connect endpoint, or to every shard of a --shards list, so one feed covers a sharded deployment. Alerts are published as two frames, \
            [alert.<model>.<kind>, JSON body] (docs/protocol.md §9). --model subscribes to alert.<model>. (with \
            the trailing dot, so --model fraud does not match fraud-v2); --model and --kind together subscribe \
            to alert.<model>.<kind>; --kind alone subscribes to alert. and keeps the topics whose last part is \
            the kind.
            Readable lines: local time, state, severity, model@version, kind, feature, summary and the evidence \
            (statistic=value, p, threshold, window sizes). Malformed messages are reported on standard error and \
            skipped. Exits after --count alerts or --idle-timeout seconds without a message; Ctrl-C at any time.
            """
    )

    @Option(help: ArgumentHelp("Collector alert endpoint (PUB) to connect to; repeatable.", valueName: "endpoint"))
    var connect: [String] = []

    @Option(help: "A shard list (docs/sharding.md): subscribe to the alerts of every shard in it.")
    var shards: String?

    @Option(
        help: ArgumentHelp("This subscriber's CURVE key pair (.secret) for a collector with CURVE.", valueName: "file")
    )
    var curveSecret: String?

    @Option(
        help: ArgumentHelp(
            "The collector's public key (.pub) for CURVE; needs --curve-secret. With --shards, for the shards whose entry gives no curve_public_key or curve_key_file.",
            valueName: "file"
        )
    )
    var collectorKey: String?

    @Option(help: "Only alerts of this model (exact name).")
    var model: String?

    @Option(
        help: ArgumentHelp(
            "Only alerts of this kind: \(AlertKind.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "kind"
        )
    )
    var kind: String?

    @Flag(help: "Print each alert body as one JSON line instead of the readable form.")
    var json = false

    @Option(help: "Stop after this many alerts.")
    var count: Int?

    @Option(help: ArgumentHelp("Stop after this many seconds without a message.", valueName: "seconds"))
    var idleTimeout: Double?

    func validate() throws {
        guard collectorKey == nil || curveSecret != nil else {
            throw ValidationError("--collector-key needs --curve-secret (this subscriber's keys).")
        }
        guard curveSecret == nil || collectorKey != nil || (shards != nil && connect.isEmpty) else {
            throw ValidationError(
                "CURVE needs --collector-key with --curve-secret (or a --shards list giving each shard's key)."
            )
        }
        if let kind, AlertKind(rawValue: kind) == nil {
            let kinds = AlertKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--kind '\(kind)' is not an alert kind (one of \(kinds)).")
        }
        if let model, model.isEmpty {
            throw ValidationError("--model must be a model name.")
        }
        if let count, count <= 0 { throw ValidationError("--count must be positive.") }
        if let idleTimeout, !(idleTimeout > 0) { throw ValidationError("--idle-timeout must be positive.") }
    }

    /// The SUB prefix for the filters: `alert.<model>.<kind>`, `alert.<model>.` or `alert.`.
    var subscription: String {
        AlertTopic.prefix(model: model, kind: kind.flatMap(AlertKind.init(rawValue:)))
    }

    /// Whether a topic passes the filters exactly (prefix matching alone would let `latency` match
    /// `latency_x`, and a model name containing a dot could look like another model's).
    func matches(topic: String) -> Bool {
        guard topic.hasPrefix("alert."), let dot = topic.lastIndex(of: ".") else { return false }
        let topicKind = topic[topic.index(after: dot)...]
        let topicModel = topic[topic.index(topic.startIndex, offsetBy: 6)..<dot]
        if let kind, topicKind != kind { return false }
        if let model, topicModel != model { return false }
        return true
    }

    func run() throws {
        let stop = StopSignal()
        let context = try ZeroMQContext()
        let socket = try ZeroMQSocket(context, type: .sub)
        try socket.subscribe(subscription)
        let keyPair = try curveSecret.map(CurveClientKeys.loadKeyPair)
        let collectorCurve = try collectorKey.map { try CurveClientKeys.load(secret: curveSecret ?? "", server: $0) }
        // libzmq copies the socket's options into each connection when it is made, so setting the CURVE server key
        // before each connect gives every shard its own key on the one SUB socket.
        var endpoints: [(endpoint: String, curve: CurveClientKeys?)] = connect.map { ($0, collectorCurve) }
        if let shards {
            let map = try ShardsFile.load(path: shards)
            let curveByShard = try ShardsFile.curveClientKeys(
                of: map,
                listedAt: shards,
                keyPair: keyPair,
                fallback: collectorCurve?.serverKey
            )
            for shard in map.shards {
                if let alerts = shard.alerts { endpoints.append((alerts, curveByShard?[shard.name])) }
            }
        }
        if endpoints.isEmpty { endpoints = [("tcp://127.0.0.1:7702", collectorCurve)] }
        for (endpoint, curve) in endpoints {
            if let curve { try socket.setCurveClient(serverKey: curve.serverKey, keyPair: curve.keyPair) }
            try socket.connect(endpoint)
        }
        printError("Subscribed to '\(subscription)' on \(endpoints.map(\.endpoint).joined(separator: ", "))")
        var printed = 0
        var malformed = 0
        let idle = idleTimeout.map { Duration.milliseconds(Int64(($0 * 1000).rounded(.up))) }
        var lastMessage = ContinuousClock.now
        var severities = AlertFormatter.SeverityMemory()
        while count.map({ printed < $0 }) ?? true {
            if stop.isRequested { break }
            guard let frames = try socket.receive(timeout: .milliseconds(100)) else {
                if let idle, ContinuousClock.now - lastMessage >= idle {
                    printError("No message for \(idleTimeout ?? 0) s; stopping.")
                    break
                }
                continue
            }
            lastMessage = ContinuousClock.now
            guard frames.count == 2 else {
                malformed += 1
                printError("skipped a message of \(frames.count) frame(s); expected [topic, JSON alert]")
                continue
            }
            let topic = String(decoding: frames[0].bytes, as: UTF8.self)
            guard matches(topic: topic) else { continue }
            let body = frames[1].bytes
            let alert: Alert
            do {
                alert = try JSONBody.decode(Alert.self, from: body)
            } catch {
                malformed += 1
                printError("skipped a malformed alert on \(topic) (\(body.count) bytes): \(error)")
                continue
            }
            // Written unbuffered, so a pipe sees each alert as it arrives. JSON allows raw line breaks only as
            // whitespace: dropping them keeps one alert per line.
            let previousSeverity = severities.note(alert)
            let line =
                json
                ? body.filter { $0 != 0x0A && $0 != 0x0D }
                : Array(AlertFormatter.line(alert, previousSeverity: previousSeverity).utf8)
            FileHandle.standardOutput.write(Data(line + [0x0A]))
            printed += 1
        }
        printError("\(printed) alert(s), \(malformed) malformed")
    }
}
