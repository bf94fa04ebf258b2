import DriftEngine
import DriftReplay
import Foundation
import TestSupport
import Testing

/// The committed scenarios of testdata/ backtested with the default configuration and scored against their
/// ground truth.
@Suite("Backtest scenarios")
struct ScenarioTests {
    static let testdata = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("testdata")

    static let scenarios = [
        "stationary", "feature_drift_sudden", "feature_drift_gradual", "prediction_drift", "error_spike",
        "latency_spike", "traffic_drop", "accuracy_drop", "new_version",
    ]

    /// Backtests a scenario's files (decompressing `.gz` ones) and scores the firings.
    static func evaluate(_ name: String) throws -> (Evaluation, [AlertNotification]) {
        let truth = try ScenarioTruth.load(path: testdata.appendingPathComponent("\(name).truth.json").path)
        var perFile: [[BacktestInput]] = []
        for file in truth.files {
            perFile.append(BacktestInput.from(try readCapture(testdata.appendingPathComponent(file))))
        }
        var backtest = Backtest(resolver: ConfigurationResolver())
        let notifications = backtest.run(BacktestInput.merge(perFile))
        #expect(backtest.counts.events == truth.events)
        return (Evaluation(firings: Evaluation.firings(notifications), truth: truth), notifications)
    }

    /// A capture, from `FILE` or from `FILE.gz` through gzip.
    static func readCapture(_ url: URL) throws -> CaptureReader {
        if FileManager.default.fileExists(atPath: url.path) { return try CaptureReader(path: url.path) }
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent(url.lastPathComponent).path
        let run = try ChildProcess.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "gzip -dc \"$0\" > \"$1\"", url.path + ".gz", plain]
        )
        #expect(run.status == 0, "\(run.standardError)")
        return try CaptureReader(path: plain)
    }

    @Test("Every expected alert fires within the scenario's stated delay, with no false alarm", arguments: scenarios)
    func scenario(_ name: String) throws {
        let (evaluation, notifications) = try Self.evaluate(name)
        let fired = notifications.filter { $0.change == .firing }.map {
            "\(BacktestReport.utc($0.alert.updatedAt)) \($0.alert.modelVersion) \($0.alert.kind.rawValue) "
                + "\($0.alert.feature ?? "-")"
        }
        for detection in evaluation.detections {
            #expect(detection.detected, "\(name): \(detection) fired: \(fired)")
        }
        #expect(evaluation.falseAlarms.isEmpty, "\(name): \(evaluation.falseAlarms)")
        if name == "stationary" { #expect(fired.isEmpty) }
    }
}
