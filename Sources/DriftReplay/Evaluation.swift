import DriftEngine
import DriftProtocol
import Foundation

/// Scores firing alerts against a ``ScenarioTruth``: detection delay per expected alert, missed incidents, and false
/// alarms per 100 000 events.
///
/// Only `firing` notifications count (repeats and severity changes of a firing alert are not new alarms). An
/// expected alert is detected by the first matching firing at or after the incident's start and no later than
/// `max_delay_s` after it. A firing alert is a false alarm unless it matches an expected or allowed alert of an
/// incident in force at that time (or ending less than `max_delay_s` before).
public struct Evaluation: Sendable, Hashable {
    /// One expected alert's result.
    public struct Detection: Sendable, Hashable {
        /// The incident's name.
        public var incident: String
        /// The expected alert.
        public var expected: ScenarioTruth.AlertSpec
        /// Seconds from the incident's start to the first matching firing (nil: missed).
        public var delaySeconds: Double?
        /// The allowed delay.
        public var maxDelaySeconds: Double
        /// Whether it fired in time.
        public var detected: Bool { delaySeconds.map { $0 <= maxDelaySeconds } ?? false }
    }

    /// A firing alert: model, version, kind, feature and event time.
    public struct Firing: Sendable, Hashable {
        /// The model.
        public var model: String
        /// The version.
        public var version: String
        /// The alert kind.
        public var kind: String
        /// The feature, if any.
        public var feature: String?
        /// Event time, ns.
        public var time: Int64

        /// Creates a firing.
        public init(model: String, version: String, kind: String, feature: String?, time: Int64) {
            self.model = model
            self.version = version
            self.kind = kind
            self.feature = feature
            self.time = time
        }
    }

    /// Every expected alert's result, in truth-file order.
    public var detections: [Detection]
    /// Firing alerts no incident explains.
    public var falseAlarms: [Firing]
    /// Events the rate is computed over.
    public var events: Int

    /// Incidents with at least one expected alert not detected in time.
    public var missedIncidents: Int {
        Set(detections.filter { !$0.detected }.map(\.incident)).count
    }

    /// False alarms per 100 000 events.
    public var falseAlarmsPer100k: Double {
        events > 0 ? Double(falseAlarms.count) * 100_000 / Double(events) : 0
    }

    /// Scores firings against a truth.
    /// - Parameters:
    ///   - firings: firing alerts in any order.
    ///   - truth: the ground truth.
    ///   - events: events in the input (default: the truth's count).
    public init(firings: [Firing], truth: ScenarioTruth, events: Int? = nil) {
        self.events = events ?? truth.events
        let ordered = firings.sorted { $0.time < $1.time }
        detections = truth.incidents.flatMap { incident in
            incident.expected.map { spec in
                let first = ordered.first {
                    spec.matches(model: $0.model, version: $0.version, kind: $0.kind, feature: $0.feature)
                        && $0.time >= incident.startNanoseconds
                }
                return Detection(
                    incident: incident.name,
                    expected: spec,
                    delaySeconds: first.map { Double($0.time - incident.startNanoseconds) / 1e9 },
                    maxDelaySeconds: incident.maxDelaySeconds
                )
            }
        }
        falseAlarms = ordered.filter { firing in
            !truth.incidents.contains { incident in
                let grace = Int64(incident.maxDelaySeconds * 1e9)
                return firing.time >= incident.startNanoseconds && firing.time <= incident.endNanoseconds + grace
                    && (incident.expected + incident.allowed).contains {
                        $0.matches(
                            model: firing.model,
                            version: firing.version,
                            kind: firing.kind,
                            feature: firing.feature
                        )
                    }
            }
        }
    }

    /// The firings among notifications.
    /// - Parameter notifications: a backtest's notifications.
    public static func firings(_ notifications: [AlertNotification]) -> [Firing] {
        notifications.filter { $0.change == .firing }.map {
            Firing(
                model: $0.alert.model,
                version: $0.alert.modelVersion,
                kind: $0.alert.kind.rawValue,
                feature: $0.alert.feature,
                time: BacktestReport.eventTime(of: $0)
            )
        }
    }

    /// The firings in `driftwatch backtest --json` output (lines with `"change":"firing"`).
    /// - Parameter text: the JSON lines.
    /// - Throws: ``ReplayError`` `invalid_input` for a line that is not an alert line or a summary line.
    public static func firings(jsonLines text: String) throws(ReplayError) -> [Firing] {
        var out: [Firing] = []
        for (index, line) in text.split(separator: "\n").enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ReplayError(.invalidInput, "line \(index + 1) is not a JSON object")
            }
            guard let alert = object["alert"] as? [String: Any] else { continue }
            guard object["change"] as? String == "firing" else { continue }
            guard let model = alert["model"] as? String, let version = alert["model_version"] as? String,
                let kind = alert["kind"] as? String, let time = (object["event_time_ns"] as? NSNumber)?.int64Value
            else {
                throw ReplayError(.invalidInput, "line \(index + 1) lacks model, model_version, kind or event_time_ns")
            }
            out.append(
                Firing(model: model, version: version, kind: kind, feature: alert["feature"] as? String, time: time)
            )
        }
        return out
    }
}
