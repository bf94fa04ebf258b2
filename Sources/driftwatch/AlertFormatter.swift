import DriftProtocol
import Foundation

/// Renders an alert as one readable line: local time, state, severity, model@version (the model alone when it has
/// no version), kind, feature, summary and the key evidence.
///
/// `2024-05-01 14:03:07 FIRING   critical fraud@v3 data_drift amount: amount drifted … [ks=0.31 p=0.000125
/// threshold=0.2 current=5000 reference=10000]`
enum AlertFormatter {
    /// The line for `alert`, using the process's local time zone.
    /// - Parameter previousSeverity: the severity this alert had when last seen firing, when it differs: the line
    ///   then ends with `(was critical)`, say, so a downgraded alert does not read as a second one.
    static func line(_ alert: Alert, previousSeverity: AlertSeverity? = nil) -> String {
        let time = localTime(alert.state == .resolved ? alert.resolvedAt ?? alert.updatedAt : alert.updatedAt)
        let state = alert.state.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        let severity = alert.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
        let feature = alert.feature.map { " \($0)" } ?? ""
        let change = previousSeverity.map { " (was \($0.rawValue))" } ?? ""
        return "\(time) \(state) \(severity) \(alert.modelAndVersion) \(alert.kind.rawValue)\(feature):"
            + " \(alert.summary) [\(evidence(alert.evidence))]\(change)"
    }

    /// The severities of the alerts seen firing, by fingerprint, to tell a severity change from a new alert.
    struct SeverityMemory {
        private var firing: [String: AlertSeverity] = [:]

        /// Notes `alert` and returns its previous severity when it was firing with another one.
        mutating func note(_ alert: Alert) -> AlertSeverity? {
            guard alert.state == .firing else {
                firing[alert.id] = nil
                return nil
            }
            let previous = firing.updateValue(alert.severity, forKey: alert.id)
            return previous == alert.severity ? nil : previous
        }
    }

    /// `statistic=value p=… threshold=… current=N reference=N`.
    static func evidence(_ evidence: AlertEvidence) -> String {
        var parts = ["\(evidence.statistic)=\(number(evidence.value))"]
        if let pValue = evidence.pValue { parts.append("p=\(number(pValue))") }
        parts.append("threshold=\(number(evidence.threshold))")
        parts.append("current=\(evidence.current.size)")
        parts.append("reference=\(evidence.reference.size)")
        return parts.joined(separator: " ")
    }

    /// Up to six significant digits, without a trailing `.0` noise for whole numbers.
    static func number(_ value: Double) -> String {
        if value == value.rounded() && value.magnitude < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    /// `YYYY-MM-DD HH:MM:SS` in the local time zone (`localtime_r`, so `TZ` applies).
    static func localTime(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        var time = time_t(seconds.remainder < 0 ? seconds.quotient - 1 : seconds.quotient)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            parts.tm_year + 1900,
            parts.tm_mon + 1,
            parts.tm_mday,
            parts.tm_hour,
            parts.tm_min,
            parts.tm_sec
        )
    }
}
