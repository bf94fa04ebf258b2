/// A failure of a command at run time (not a usage mistake): printed as `Error: <message>`, exit status 1.
public struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong and, where it helps, what to do about it.
    public let message: String

    /// Creates a failure with the message printed to the user.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
