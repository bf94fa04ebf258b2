/// Topics of the alert PUB socket: `alert.<model>.<kind>`, e.g. `alert.fraud-detector.data_drift`.
///
/// ZeroMQ filters by prefix, so a subscriber to `alert.fraud.` gets every kind for model `fraud` and nothing of
/// `fraud-v2`; one to `alert.` gets everything. Model names may contain dots; the kind is always the last
/// component (docs/protocol.md, "Alert delivery").
public enum AlertTopic {
    /// The topic for `model` and `kind`.
    public static func topic(model: String, kind: AlertKind) -> String {
        "alert.\(model).\(kind.rawValue)"
    }

    /// The prefix that selects `model` (all kinds when `kind` is `nil`), or every alert when `model` is `nil`.
    public static func prefix(model: String?, kind: AlertKind?) -> String {
        guard let model else { return "alert." }
        guard let kind else { return "alert.\(model)." }
        return topic(model: model, kind: kind)
    }
}
