import DriftProtocol
import Foundation
import TestSupport
import Testing
import ZeroMQ

/// An alert like the collector publishes.
private func alert(model: String, kind: AlertKind, feature: String? = nil, summary: String) -> Alert {
    Alert(
        id: "\(model)-\(kind.rawValue)",
        model: model,
        modelVersion: "v3",
        kind: kind,
        feature: feature,
        state: .firing,
        severity: .critical,
        startedAt: 1_700_000_000_000_000_000,
        updatedAt: 1_700_000_300_000_000_000,
        summary: summary,
        evidence: AlertEvidence(
            statistic: "p99_ratio",
            value: 2.5,
            pValue: 0.000125,
            threshold: 1.5,
            reference: WindowSummary(size: 10_000, range: TimeRange(start: 1, end: 2)),
            current: WindowSummary(size: 5_000, range: TimeRange(start: 3, end: 4))
        )
    )
}

/// Starts `driftwatch subscribe` against a test-owned XPUB and waits until its subscription arrives.
/// - Returns: the XPUB, the subscriber process and the subscription prefix it sent.
private func startSubscriber(_ arguments: [String]) throws -> (ZeroMQSocket, RunningProcess, String) {
    let context = try ZeroMQContext()
    let xpub = try ZeroMQSocket(context, type: .xpub)
    let endpoint = try xpub.bind("tcp://127.0.0.1:*")
    let process = try ChildProcess.start(
        ChildProcess.driftwatchExecutable,
        ["subscribe", "--connect", endpoint, "--idle-timeout", "20"] + arguments
    )
    let frames = try #require(try xpub.receive(timeout: .seconds(20)), "no subscription arrived")
    let message = frames[0].bytes
    try #require(message.first == 1)
    return (xpub, process, String(decoding: message.dropFirst(), as: UTF8.self))
}

private func publish(_ xpub: ZeroMQSocket, _ topic: String, _ body: [UInt8]) throws {
    try xpub.send([Array(topic.utf8), body])
}

private func publish(_ xpub: ZeroMQSocket, _ alert: Alert) throws {
    try publish(xpub, "alert.\(alert.model).\(alert.kind.rawValue)", try JSONBody.encode(alert))
}

/// The local time the readable line shows, computed independently with Foundation.
private func localTime(_ nanoseconds: Int64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone.current
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: Double(nanoseconds / 1_000_000_000)))
}

@Suite("driftwatch subscribe", .serialized)
struct SubscribeCommandTests {
    @Test("--model fraud --kind latency prints exactly the matching alert, readably")
    func filtersByModelAndKind() throws {
        let (xpub, process, prefix) = try startSubscriber(["--model", "fraud", "--kind", "latency", "--count", "1"])
        #expect(prefix == "alert.fraud.latency")
        try publish(xpub, alert(model: "fraud-v2", kind: .latency, summary: "other model"))
        try publish(xpub, alert(model: "fraud", kind: .dataDrift, feature: "amount", summary: "other kind"))
        try publish(xpub, alert(model: "fraud", kind: .latency, summary: "p99 latency 2.5x the reference"))
        let result = try process.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.standardError)")
        let expected =
            "\(localTime(1_700_000_300_000_000_000)) FIRING   critical fraud@v3 latency:"
            + " p99 latency 2.5x the reference [p99_ratio=2.5 p=0.000125 threshold=1.5 current=5000 reference=10000]\n"
        #expect(result.standardOutput == expected)
        #expect(result.standardError.contains("1 alert(s), 0 malformed"))
    }

    @Test("A changed severity says what it was (not when resolved or new); a versionless model is named alone")
    func severityChange() throws {
        let (xpub, process, _) = try startSubscriber(["--count", "5"])
        var critical = alert(model: "fraud", kind: .errorRate, summary: "error rate 0.3")
        var warning = critical
        warning.severity = .warning
        warning.summary = "error rate 0.1"
        var resolved = warning
        resolved.state = .resolved
        critical.summary = "error rate 0.3 again"
        var unversioned = alert(model: "fraud", kind: .latency, summary: "p99 latency 2.5x the reference")
        unversioned.modelVersion = ""
        for alert in [critical, warning, resolved, critical, unversioned] { try publish(xpub, alert) }
        let result = try process.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.map { $0.hasSuffix("(was critical)") } == [false, true, false, false, false])
        #expect(lines.last?.contains("FIRING   critical fraud latency: p99 latency") == true)
        #expect(lines.dropFirst().first?.contains("FIRING   warning  fraud@v3 error_rate: error rate 0.1") == true)
    }

    @Test("--model fraud subscribes with the trailing dot, so fraud-v2 does not match")
    func modelPrefixHasTrailingDot() throws {
        let (xpub, process, prefix) = try startSubscriber(["--model", "fraud", "--count", "2", "--json"])
        #expect(prefix == "alert.fraud.")
        let expected = [
            alert(model: "fraud", kind: .errorRate, summary: "error rate 0.3"),
            alert(model: "fraud", kind: .dataDrift, feature: "amount", summary: "amount drifted"),
        ]
        try publish(xpub, alert(model: "fraud-v2", kind: .errorRate, summary: "not this one"))
        for alert in expected { try publish(xpub, alert) }
        let result = try process.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.standardError)")
        let decoded = try result.standardOutput.split(separator: "\n").map {
            try JSONBody.decode(Alert.self, from: Array($0.utf8))
        }
        #expect(decoded == expected)
    }

    @Test("--kind alone filters on the topic's last part; --json lines decode to the alerts; malformed is skipped")
    func kindOnlyJsonAndMalformed() throws {
        let (xpub, process, prefix) = try startSubscriber(["--kind", "latency", "--json", "--count", "2"])
        #expect(prefix == "alert.")
        let first = alert(model: "fraud-v2", kind: .latency, summary: "slow")
        let second = alert(model: "fraud", kind: .latency, summary: "slower")
        try publish(xpub, alert(model: "fraud", kind: .dataDrift, feature: "amount", summary: "not latency"))
        try publish(xpub, "alert.fraud.latency", Array("{\"id\": 1, not json".utf8))
        try xpub.send([Array("alert.fraud.latency".utf8)])
        try publish(xpub, first)
        try publish(xpub, second)
        let result = try process.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(try lines.map { try JSONBody.decode(Alert.self, from: Array($0.utf8)) } == [first, second])
        #expect(lines.first.map { Array($0.utf8) } == (try JSONBody.encode(first)))
        #expect(result.standardError.contains("skipped a malformed alert on alert.fraud.latency (18 bytes)"))
        #expect(result.standardError.contains("skipped a message of 1 frame(s)"))
        #expect(result.standardError.contains("2 alert(s), 2 malformed"))
    }

    @Test("An unknown --kind is a usage error")
    func rejectsUnknownKind() throws {
        let result = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["subscribe", "--kind", "latncy"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--kind 'latncy' is not an alert kind (one of data_drift"))
    }
}
