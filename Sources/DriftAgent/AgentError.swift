/// An error of the agent, with a stable ``code`` for logs and metrics and a message a user can act on.
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public enum Code: String, Sendable, Equatable {
        /// The spool directory or one of its files could not be created, read or written.
        case spoolIO = "spool_io"
        /// The spool holds something that is not a spool (its agent id file, a segment).
        case spoolCorrupt = "spool_corrupt"
        /// The collector endpoint or a socket option was refused by libzmq.
        case transport
        /// A configuration value is out of range.
        case invalidConfiguration = "invalid_configuration"
        /// A listener (UDP, Unix socket, ZeroMQ) could not be opened.
        case listener
        /// A JSON line does not follow the documented schema.
        case invalidJSON = "invalid_json"
    }

    /// The stable code.
    public let code: Code
    /// What happened, for a person.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: the stable code.
    ///   - message: the human-readable message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
