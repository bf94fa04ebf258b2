import DriftEngine
import DriftProtocol
import DriftReplay
import Foundation
import TestSupport
import Testing
import ZeroMQ

/// `driftwatch backtest`, `replay` and `record` as a user runs them: real processes over tcp://127.0.0.1.
@Suite("Record, replay and backtest commands", .serialized)
struct ReplayCommandTests {
    @Test("A backtest prints byte-identical output for identical input, and its JSON lines carry event times")
    func backtestIsDeterministic() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = try ScenarioTests.readCapture(ScenarioTests.testdata.appendingPathComponent("error_spike.dwcap"))
        let path = directory.appendingPathComponent("error_spike.dwcap").path
        let writer = CaptureWriter(path: path)
        for record in capture.records { try writer.write(record) }
        writer.close()

        let first = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["backtest", path, "--json"])
        let second = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["backtest", path, "--json"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput == second.standardOutput)
        let lines = first.standardOutput.split(separator: "\n")
        let firing = lines.filter { $0.contains("\"change\":\"firing\"") }
        #expect(firing.contains { $0.contains("\"kind\":\"error_rate\"") })
        #expect(lines.contains { $0.hasPrefix("{\"totals\":") && $0.contains("\"events\":5984,") })
        // Event time of the error-rate alert: after the spike's start at 00:05:00.
        #expect(firing.contains { $0.contains("\"event_time\":\"2024-05-01T00:05:") })

        let table = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["backtest", path])
        #expect(table.standardOutput.contains("firing"))
        #expect(table.standardOutput.contains("model fraud-detector@v1:"))
    }

    @Test("NDJSON and mapped CSV inputs give the same alerts for the same events")
    func ndjsonAndCSV() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 400 s at 10 events/s; latency quadruples from 300 s on.
        var ndjson = ""
        var csv = "ts,latency,x\n"
        for index in 0..<4000 {
            let seconds = 1_714_521_600.0 + Double(index) / 10
            let latency = (index >= 3000 ? 80.0 : 20.0) * (1 + 0.1 * sin(Double(index)))
            let x = sin(Double(index) * 0.7)
            ndjson +=
                "{\"model\":\"m\",\"timestamp\":\(seconds),\"latency_ms\":\(latency),\"features\":{\"x\":\(x)}}\n"
            csv += "\(seconds),\(latency),\(x)\n"
        }
        let ndjsonPath = directory.appendingPathComponent("events.ndjson").path
        let csvPath = directory.appendingPathComponent("events.csv").path
        try ndjson.write(toFile: ndjsonPath, atomically: true, encoding: .utf8)
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        let fromNDJSON = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["backtest", ndjsonPath, "--json"])
        let fromCSV = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            [
                "backtest", csvPath, "--json", "--model", "m", "--timestamp-column", "ts", "--timestamp-format",
                "seconds", "--latency-ms", "latency", "--numeric", "x",
            ]
        )
        #expect(fromNDJSON.status == 0, "\(fromNDJSON.standardError)")
        #expect(fromCSV.status == 0, "\(fromCSV.standardError)")
        let alerts = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("{\"alert\"") } }
        #expect(alerts(fromNDJSON.standardOutput).contains { $0.contains("\"kind\":\"latency\"") })
        #expect(alerts(fromNDJSON.standardOutput) == alerts(fromCSV.standardOutput))
    }

    @Test("Replay into a live collector (--clock event) publishes exactly the alerts a backtest of the file prints")
    func replayMatchesBacktest() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = try ScenarioTests.readCapture(ScenarioTests.testdata.appendingPathComponent("error_spike.dwcap"))
        let path = directory.appendingPathComponent("error_spike.dwcap").path
        let writer = CaptureWriter(path: path)
        for record in capture.records { try writer.write(record) }
        writer.close()
        var backtest = Backtest(resolver: ConfigurationResolver())
        let expected = try backtest.run(BacktestInput.from(CaptureReader(path: path))).map {
            String(decoding: try JSONBody.encode($0.alert), as: UTF8.self)
        }
        #expect(!expected.isEmpty)

        let collector = try CollectorProcess(["--clock", "event"])
        defer { _ = try? collector.stop() }
        let context = try ZeroMQContext()
        let subscriber = try ZeroMQSocket(context, type: .sub)
        try subscriber.subscribe(Array("alert.".utf8))
        try subscriber.connect(collector.alertEndpoint)
        // 600 s of recorded traffic at 50x: about 12 s; the first alert is due after 300 s of it (6 s), long after
        // the subscription has reached the collector.
        let replay = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["replay", path, "--to", collector.ingestEndpoint, "--speed", "50x"],
            timeout: .seconds(120)
        )
        #expect(replay.status == 0, "\(replay.standardError)")
        #expect(replay.standardError.contains("unacknowledged 0"))
        var published: [String] = []
        while let frames = try subscriber.receive(timeout: .seconds(3)) {
            if frames.count == 2 { published.append(String(decoding: frames[1].bytes, as: UTF8.self)) }
        }
        subscriber.close()
        #expect(published == expected)
    }

    @Test("record acknowledges a simulated agent and its capture backtests like the simulator's own capture")
    func recordCapturesTraffic() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulation = [
            "--fast", "--duration", "60", "--rate", "50", "--seed", "3", "--agent-id", "rec-test",
            "--start-time", "2024-05-01T00:00:00Z",
        ]
        let recorded = try recordSimulation(
            recorder: ["--output", directory.path, "--stem", "rec"],
            simulation: simulation
        )
        let reference = directory.appendingPathComponent("reference.dwcap").path
        let direct = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["simulate", "--capture", reference] + simulation
        )
        #expect(direct.status == 0, "\(direct.standardError)")
        let files = recorded.standardOutput.split(separator: "\n").map(String.init)
        #expect(files.count == 1)
        let messages = try files.flatMap { try CaptureReader(path: $0).records.map(\.message) }
        #expect(messages == (try CaptureReader(path: reference).records.map(\.message)))
    }
}
