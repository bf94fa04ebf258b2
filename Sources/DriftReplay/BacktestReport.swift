import DriftEngine
import DriftProtocol
import Foundation

/// Renders a backtest's notifications and per-model summary, as a readable table or as JSON lines.
///
/// Everything depends only on the notifications and the engine's state: times are printed in UTC, numbers with a
/// fixed format and JSON keys sorted, so identical inputs give byte-identical output.
public enum BacktestReport {
    /// The time a notification happened in event time: when it resolved, else when it was last updated.
    /// - Parameter notification: a notification.
    public static func eventTime(of notification: AlertNotification) -> Int64 {
        let alert = notification.alert
        if notification.change == .resolved, let resolved = alert.resolvedAt { return resolved }
        return alert.updatedAt
    }

    /// One JSON object per notification: `{"alert":{…},"change":"firing","event_time":"…","event_time_ns":N}`.
    /// - Parameter notification: a notification.
    /// - Returns: the line, without a newline.
    public static func jsonLine(_ notification: AlertNotification) -> String {
        let body = (try? JSONBody.encode(notification.alert)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        let time = eventTime(of: notification)
        return "{\"alert\":\(body),\"change\":\"\(notification.change.rawValue)\","
            + "\"event_time\":\"\(utc(time))\",\"event_time_ns\":\(time)}"
    }

    /// The header of the readable table.
    public static let tableHeader =
        "EVENT TIME (UTC)          CHANGE            SEVERITY  MODEL@VERSION / KIND / FEATURE: SUMMARY [EVIDENCE]"

    /// One readable line per notification.
    /// - Parameter notification: a notification.
    public static func tableLine(_ notification: AlertNotification) -> String {
        let alert = notification.alert
        let feature = alert.feature.map { " \($0)" } ?? ""
        let evidence = alert.evidence
        var parts = ["\(evidence.statistic)=\(number(evidence.value))"]
        if let pValue = evidence.pValue { parts.append("p=\(number(pValue))") }
        parts.append("threshold=\(number(evidence.threshold))")
        return utc(eventTime(of: notification)).padding(toLength: 26, withPad: " ", startingAt: 0)
            + notification.change.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)
            + alert.severity.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            + "\(alert.modelAndVersion) \(alert.kind.rawValue)\(feature): \(alert.summary)"
            + " [\(parts.joined(separator: " "))]"
    }

    /// The per-model summary: events, evaluations, labels joined, and firing notifications by kind.
    /// - Parameters:
    ///   - backtest: the finished backtest.
    ///   - notifications: its notifications.
    /// - Returns: lines, without newlines.
    public static func summaryLines(_ backtest: Backtest, _ notifications: [AlertNotification]) -> [String] {
        let snapshot = backtest.engine.snapshot()
        let counts = backtest.counts
        var lines = [
            "summary: \(counts.events) events, \(counts.labels) labels, \(counts.eventBatches + counts.labelBatches)"
                + " batches (\(counts.duplicates) duplicates, \(counts.rejected) rejected), event time "
                + "\(snapshot.eventTime.map(utc) ?? "-"), \(notifications.count) notifications"
        ]
        for model in snapshot.models {
            let mine = notifications.filter {
                $0.alert.model == model.model && $0.alert.modelVersion == model.version && $0.change == .firing
            }
            var byKind: [String: Int] = [:]
            for notification in mine { byKind[notification.alert.kind.rawValue, default: 0] += 1 }
            let kinds = byKind.keys.sorted().map { "\($0)=\(byKind[$0] ?? 0)" }.joined(separator: " ")
            lines.append(
                "model \(model.model)@\(model.version): \(model.eventsSeen) events, \(model.evaluations) evaluations, "
                    + "\(model.labelsJoined) labels joined, reference \(model.referenceReady ? "ready" : "not ready"), "
                    + "firing \(mine.count)\(kinds.isEmpty ? "" : " (\(kinds))")"
            )
        }
        return lines
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    /// - Parameter nanoseconds: ns since the epoch.
    public static func utc(_ nanoseconds: Int64) -> String {
        let (seconds, remainder) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        let whole = remainder < 0 ? seconds - 1 : seconds
        let millis = (remainder < 0 ? remainder + 1_000_000_000 : remainder) / 1_000_000
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondOfDay = whole - days * 86_400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(
            format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
            year,
            month,
            day,
            secondOfDay / 3600,
            secondOfDay / 60 % 60,
            secondOfDay % 60,
            millis
        )
    }

    private static func number(_ value: Double) -> String {
        if value == value.rounded() && value.magnitude < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }
}

extension BacktestReport {
    /// The summary as JSON lines: `{"totals":{…}}` then one `{"model_summary":{…}}` per model version.
    /// - Parameters:
    ///   - backtest: the finished backtest.
    ///   - notifications: its notifications.
    public static func summaryJSONLines(_ backtest: Backtest, _ notifications: [AlertNotification]) -> [String] {
        let snapshot = backtest.engine.snapshot()
        let counts = backtest.counts
        var objects: [[String: Any]] = [
            [
                "totals": [
                    "events": counts.events, "labels": counts.labels,
                    "batches": counts.eventBatches + counts.labelBatches, "duplicates": counts.duplicates,
                    "rejected": counts.rejected, "notifications": notifications.count,
                    "event_time_ns": snapshot.eventTime ?? 0,
                ]
            ]
        ]
        for model in snapshot.models {
            let firing = notifications.filter {
                $0.alert.model == model.model && $0.alert.modelVersion == model.version && $0.change == .firing
            }
            var byKind: [String: Int] = [:]
            for notification in firing { byKind[notification.alert.kind.rawValue, default: 0] += 1 }
            objects.append([
                "model_summary": [
                    "model": model.model, "version": model.version, "events": model.eventsSeen,
                    "evaluations": model.evaluations, "labels_joined": model.labelsJoined,
                    "reference_ready": model.referenceReady, "firing": byKind,
                ]
            ])
        }
        return objects.compactMap { object in
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
                .map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
