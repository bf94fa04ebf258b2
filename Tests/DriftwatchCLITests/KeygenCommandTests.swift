import Foundation
import TestSupport
import Testing
import ZeroMQ

@Suite("driftwatch keygen")
struct KeygenCommandTests {
    @Test("Writes a 0600 secret file and a 0644 public file whose keys form a valid pair")
    func writesKeyPair() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["keygen", "agent-1", "-o", directory.path]
        )
        #expect(result.status == 0, "\(result.standardError)")

        let secretPath = directory.appendingPathComponent("agent-1.secret").path
        let publicPath = directory.appendingPathComponent("agent-1.pub").path
        let secretMode = try FileManager.default.attributesOfItem(atPath: secretPath)[.posixPermissions] as? Int
        let publicMode = try FileManager.default.attributesOfItem(atPath: publicPath)[.posixPermissions] as? Int
        #expect(secretMode == 0o600)
        #expect(publicMode == 0o644)

        let secretFile = try keyLines(secretPath)
        let publicFile = try keyLines(publicPath)
        let secretKey = try #require(secretFile["secret-key"].flatMap(CurveKey.init(z85:)))
        let publicKey = try #require(publicFile["public-key"].flatMap(CurveKey.init(z85:)))
        #expect(secretFile["public-key"] == publicFile["public-key"])
        #expect(try CurveKeyPair.publicKey(for: secretKey) == publicKey)
        #expect(result.standardOutput.contains(publicKey.z85))
    }

    @Test("Refuses to overwrite existing key files unless --force is given")
    func refusesOverwrite() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["keygen", "collector", "--output-dir", directory.path]
        #expect(try ChildProcess.run(ChildProcess.driftwatchExecutable, arguments).status == 0)
        let before = try keyLines(directory.appendingPathComponent("collector.secret").path)

        let again = try ChildProcess.run(ChildProcess.driftwatchExecutable, arguments)
        #expect(again.status == 1)
        #expect(again.standardError.contains("already exists; pass --force to replace it"))
        #expect(try keyLines(directory.appendingPathComponent("collector.secret").path) == before)

        let forced = try ChildProcess.run(ChildProcess.driftwatchExecutable, arguments + ["--force"])
        #expect(forced.status == 0)
        #expect(try keyLines(directory.appendingPathComponent("collector.secret").path) != before)
    }

    @Test("Rejects names that would escape the output directory", arguments: ["../evil", ".hidden", "a/b", ""])
    func rejectsBadNames(name: String) throws {
        let result = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["keygen", name])
        #expect(result.status == 64)
        #expect(result.standardError.contains("must be 1–128 letters"))
    }

    /// Parses `key = "value"` lines, ignoring comments.
    private func keyLines(_ path: String) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            result[parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return result
    }
}
