import DriftProtocol

/// One change of one alert, returned by the engine for the collector to publish on ``topic``.
public struct AlertNotification: Sendable, Hashable, Codable {
    /// What changed.
    public enum Change: String, Sendable, Hashable, Codable, CaseIterable {
        /// The condition started to hold; the alert waits for its `for` duration.
        case pending
        /// The alert fires (after `for`, or at once when `for` is 0).
        case firing
        /// A firing alert is re-sent after `repeat_interval`.
        case repeated = "repeat"
        /// A firing alert changed severity (warning ↔ critical).
        case severityChanged = "severity_changed"
        /// A firing alert resolved (its condition stayed clear for `keep_firing_for`).
        case resolved
        /// A pending alert's condition cleared before it fired.
        case cancelled
    }

    /// What changed.
    public var change: Change
    /// The alert body after the change.
    public var alert: Alert

    /// Creates a notification.
    /// - Parameters:
    ///   - change: what changed.
    ///   - alert: the alert body after the change.
    public init(change: Change, alert: Alert) {
        self.change = change
        self.alert = alert
    }

    /// The PUB topic: `alert.<model>.<kind>`.
    public var topic: String { AlertTopic.topic(model: alert.model, kind: alert.kind) }
}
