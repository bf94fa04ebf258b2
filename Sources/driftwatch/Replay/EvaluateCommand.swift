import ArgumentParser
import DriftReplay
import DriftwatchAgentCommand
import Foundation

/// `driftwatch evaluate`: scores backtest alerts against a scenario's ground truth.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score backtest alerts (driftwatch backtest --json) against ground truth.",
        discussion: """
            For each expected alert of each incident: the detection delay (first firing at or after the \
            incident's start), missed when it did not fire within max_delay_s; firing alerts no incident explains \
            are false alarms, reported per 100 000 events (the events of the backtest's totals line, else the \
            truth file's). Exit status 0 when nothing was missed and there was no false alarm, 2 otherwise. \
            See docs/backtest.md.
            """
    )

    @Option(help: "The ground-truth file (testdata/*.truth.json).")
    var truth: String

    @Argument(help: "The output of driftwatch backtest --json.")
    var alerts: String

    func run() throws {
        let evaluation: Evaluation
        do {
            let truth = try ScenarioTruth.load(path: self.truth)
            guard let data = FileManager.default.contents(atPath: alerts) else {
                throw ReplayError(.io, "cannot read \(alerts)")
            }
            let text = String(decoding: data, as: UTF8.self)
            evaluation = Evaluation(
                firings: try Evaluation.firings(jsonLines: text),
                truth: truth,
                events: Self.totalEvents(text)
            )
        } catch let error as ReplayError {
            throw CommandFailure(error.description)
        }
        for detection in evaluation.detections {
            let spec = detection.expected
            let what =
                "\(spec.kind)\(spec.feature.map { ":\($0)" } ?? "") on \(spec.model ?? "*")@\(spec.version ?? "*")"
            let delay = detection.delaySeconds.map { String(format: "%.1f s", $0) } ?? "never"
            print(
                "\(detection.detected ? "detected" : "MISSED  ") \(detection.incident): \(what) after \(delay)"
                    + " (max \(String(format: "%g", detection.maxDelaySeconds)) s)"
            )
        }
        for alarm in evaluation.falseAlarms {
            print(
                "false alarm \(BacktestReport.utc(alarm.time)) \(alarm.model)@\(alarm.version) \(alarm.kind)"
                    + (alarm.feature.map { " \($0)" } ?? "")
            )
        }
        print(
            "evaluate: \(evaluation.detections.filter(\.detected).count)/\(evaluation.detections.count) expected alerts "
                + "in time, \(evaluation.missedIncidents) missed incidents, \(evaluation.falseAlarms.count) false alarms "
                + "(\(String(format: "%.2f", evaluation.falseAlarmsPer100k)) per 100k events over \(evaluation.events))"
        )
        if evaluation.missedIncidents > 0 || !evaluation.falseAlarms.isEmpty { throw ExitCode(2) }
    }

    /// The events of a `{"totals":{…}}` line, if any.
    static func totalEvents(_ text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("{\"totals\"") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let totals = object["totals"] as? [String: Any], let events = totals["events"] as? Int
            {
                return events
            }
        }
        return nil
    }
}
