import ArgumentParser
import DriftwatchAgentCommand
import Foundation
import ZeroMQ

/// `driftwatch keygen`: makes a CURVE key pair for a collector, an agent or a subscriber, or a privacy key.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a CURVE key pair (Z85) for encrypting and authenticating ZeroMQ traffic.",
        discussion: """
            Writes two files into the output directory:
              NAME.secret  mode 0600, holds the secret and the public key; keep it on the host that uses it.
              NAME.pub     mode 0644, holds the public key; give it to the peers that must accept this one.
            Each file holds lines of the form `public-key = "<40 Z85 characters>"` (and `secret-key = …`);
            lines starting with # are comments. Existing files are never overwritten unless --force is given.

            With --privacy-key, writes NAME.key instead (mode 0600): 32 random bytes as 64 hex digits, the key \
            under which a collector, `record` and `backtest` hash request ids (privacy.request_ids: hash, see \
            docs/security.md). Every process of one deployment must use the same file.
            """
    )

    @Argument(help: "Name of the key pair, used for the file names (letters, digits, '.', '_' and '-').")
    var name: String

    @Option(name: [.short, .customLong("output-dir")], help: "Directory to write the key files into.")
    var outputDirectory: String = "."

    @Flag(help: "Replace existing key files of the same name.")
    var force = false

    @Flag(help: "Write a privacy key (NAME.key) for hashing request ids instead of a CURVE key pair.")
    var privacyKey = false

    func validate() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= 128, name.allSatisfy(allowed.contains), !name.hasPrefix(".") else {
            throw ValidationError(
                "Key name '\(name)' must be 1–128 letters, digits, '.', '_' or '-', not starting with '.'."
            )
        }
    }

    func run() throws {
        if privacyKey { return try writePrivacyKey() }
        guard ZeroMQContext.supports("curve") else {
            throw CommandFailure("This libzmq was built without CURVE support; install Debian's libzmq5.")
        }
        let pair = try CurveKeyPair.generate()
        let directory = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        let secretPath = directory.appendingPathComponent("\(name).secret").path
        let publicPath = directory.appendingPathComponent("\(name).pub").path
        let header = "# driftwatch CURVE key pair \"\(name)\", made by `driftwatch keygen`"
        try KeyFileWriter.write(
            """
            \(header)
            # Secret: keep this file private (mode 0600).
            public-key = "\(pair.publicKey.z85)"
            secret-key = "\(pair.secretKey.z85)"

            """,
            to: secretPath,
            mode: 0o600,
            replacing: force
        )
        try KeyFileWriter.write(
            """
            \(header)
            public-key = "\(pair.publicKey.z85)"

            """,
            to: publicPath,
            mode: 0o644,
            replacing: force
        )
        print("Wrote \(secretPath) (secret, mode 0600) and \(publicPath) (public).")
        print("public-key = \"\(pair.publicKey.z85)\"")
    }

    /// Writes 32 bytes from the system's cryptographically secure generator as 64 hex digits.
    private func writePrivacyKey() throws {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let path = URL(fileURLWithPath: outputDirectory, isDirectory: true).appendingPathComponent("\(name).key").path
        try KeyFileWriter.write(hex + "\n", to: path, mode: 0o600, replacing: force)
        print("Wrote \(path) (privacy key, mode 0600).")
    }
}
