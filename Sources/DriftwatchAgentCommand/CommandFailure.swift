/// A failure of a command at run time (not a usage mistake): printed as `Error: <message>`, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong and, where it helps, what to do about it.
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
