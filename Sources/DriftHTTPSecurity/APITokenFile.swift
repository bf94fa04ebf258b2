import Foundation

/// Reads the bearer token an HTTP server requires (`--api-token-file`): the file's content without surrounding
/// whitespace, at least ``minimumLength`` characters so that it cannot be guessed.
public enum APITokenFile {
    /// The shortest token accepted.
    public static let minimumLength = 16

    /// A token file that cannot be used.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// What is wrong, naming the file.
        public let message: String
        public var description: String { message }
    }

    /// Loads the token at `path`.
    /// - Throws: ``Problem`` when the file is unreadable or holds fewer than ``minimumLength`` characters.
    public static func load(path: String) throws -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Problem(message: "cannot read \(path): \(error.localizedDescription)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= minimumLength else {
            throw Problem(message: "\(path) holds no token of at least \(minimumLength) characters")
        }
        return token
    }
}
