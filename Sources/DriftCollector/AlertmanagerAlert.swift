import DriftProtocol
import Foundation

/// A driftwatch alert as an Alertmanager v2 "postable alert" (`POST /api/v2/alerts` takes an array of them).
///
/// Labels identify the alert to Alertmanager, which groups, routes, silences and deduplicates on them:
/// `alertname` (`Driftwatch` + the kind in CamelCase, e.g. `DriftwatchErrorRate`), `model`, `version`, `kind`,
/// `feature` (per-feature kinds only) and `severity`. The evidence goes in annotations. `startsAt` is the alert's
/// `started_at_ns`; a resolved alert carries `endsAt` = `resolved_at_ns`, a firing one an `endsAt` a few resend
/// intervals ahead, so Alertmanager resolves it by itself if the collector stops re-sending it (as Prometheus does).
struct AlertmanagerAlert: Sendable, Hashable, Codable {
    /// Identifying labels.
    var labels: [String: String]
    /// Descriptive annotations.
    var annotations: [String: String]
    /// RFC 3339 start time.
    var startsAt: String
    /// RFC 3339 end time.
    var endsAt: String
    /// Where the alert can be inspected (the collector's alert API).
    var generatorURL: String?

    /// Maps `alert` (state `firing` or `resolved`).
    /// - Parameters:
    ///   - alert: the driftwatch alert.
    ///   - severity: the severity label; the alert's own unless a severity change resolves the other one.
    ///   - firingUntil: the `endsAt` of a firing alert (ns since the epoch); ignored for resolved alerts.
    ///   - generatorURL: the collector's URL for this alert, if known.
    init(_ alert: Alert, severity: AlertSeverity? = nil, firingUntil: Int64, generatorURL: String?) {
        var labels = [
            "alertname": Self.alertName(alert.kind),
            "model": alert.model,
            "version": alert.modelVersion,
            "kind": alert.kind.rawValue,
            "severity": (severity ?? alert.severity).rawValue,
        ]
        if let feature = alert.feature { labels["feature"] = feature }
        self.labels = labels
        var annotations = [
            "summary": alert.summary,
            "alert_id": alert.id,
            "statistic": alert.evidence.statistic,
            "value": "\(alert.evidence.value)",
            "threshold": "\(alert.evidence.threshold)",
        ]
        if let pValue = alert.evidence.pValue { annotations["p_value"] = "\(pValue)" }
        self.annotations = annotations
        startsAt = Self.rfc3339(alert.startedAt)
        let ends = alert.state == .resolved ? (alert.resolvedAt ?? alert.updatedAt) : firingUntil
        // Alertmanager rejects an alert that ends before it starts.
        endsAt = Self.rfc3339(max(ends, alert.startedAt))
        self.generatorURL = generatorURL
    }

    /// `Driftwatch` followed by `kind` in CamelCase: `data_drift` → `DriftwatchDataDrift`.
    static func alertName(_ kind: AlertKind) -> String {
        "Driftwatch" + kind.rawValue.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Nanoseconds since the epoch as RFC 3339 in UTC with milliseconds, e.g. `2023-11-14T22:13:20.123Z`.
    static func rfc3339(_ nanoseconds: Int64) -> String {
        let (seconds, remainder) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        // Floor division, so times before 1970 keep a non-negative fraction.
        let wholeSeconds = remainder < 0 ? seconds - 1 : seconds
        let milliseconds = (remainder < 0 ? remainder + 1_000_000_000 : remainder) / 1_000_000
        var time = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}
