/// The error type of the agent's HTTP side: invalid proxy configuration, bad JSON paths, unparsable bodies.
///
/// Each error has a stable ``code`` (for scripts and tests) and a human ``message`` naming what was wrong.
public struct AgentHTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code such as `invalid-configuration`.
    public let code: String
    /// A human sentence saying what was wrong and where.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: the stable code.
    ///   - message: the human message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// A configuration value is out of range or unusable; the message names the setting.
    public static func invalidConfiguration(_ message: String) -> AgentHTTPError {
        AgentHTTPError(code: "invalid-configuration", message: message)
    }

    /// A JSON path expression does not parse.
    public static func invalidJSONPath(_ path: String, _ reason: String) -> AgentHTTPError {
        AgentHTTPError(code: "invalid-json-path", message: "JSON path '\(path)': \(reason)")
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
