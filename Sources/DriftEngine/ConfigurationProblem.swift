/// One thing wrong with a configuration: the key path (as written in the file) and what was expected.
public struct ConfigurationProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The dotted key path, e.g. `data_drift.p_value` or `models.fraud-eu.alerts.for`.
    public var keyPath: String
    /// What was expected, e.g. `must be in (0, 1)`.
    public var message: String

    /// Creates a problem.
    /// - Parameters:
    ///   - keyPath: the dotted key path.
    ///   - message: what was expected.
    public init(keyPath: String, message: String) {
        self.keyPath = keyPath
        self.message = message
    }

    /// `key.path message`, e.g. `data_drift.p_value must be in (0, 1)`.
    public var description: String { "\(keyPath) \(message)" }

    /// The same problem under a parent key.
    func prefixed(_ parent: String) -> ConfigurationProblem {
        ConfigurationProblem(keyPath: "\(parent).\(keyPath)", message: message)
    }
}
