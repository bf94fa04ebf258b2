/// An error of record, replay and backtest, with a stable ``code`` and a message a user can act on.
public struct ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public enum Code: String, Sendable, Equatable {
        /// A file could not be opened, read or written.
        case io
        /// A file is not a capture, or has a capture version this build cannot read.
        case notACapture = "not_a_capture"
        /// A capture record is damaged (a length beyond the limits).
        case corruptCapture = "corrupt_capture"
        /// A line or row of an NDJSON or CSV input breaks the documented schema.
        case invalidInput = "invalid_input"
        /// A column mapping, ground-truth file or option is not usable.
        case invalidConfiguration = "invalid_configuration"
    }

    /// The stable code.
    public let code: Code
    /// What happened, for a person (names the file and, where it applies, the line or record).
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
