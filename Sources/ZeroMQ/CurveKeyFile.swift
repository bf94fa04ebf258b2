import Foundation

/// Reads the key files `driftwatch keygen` writes: lines `public-key = "<Z85>"` and `secret-key = "<Z85>"`, with
/// `#` comments. A secret file must not be readable by group or others (mode 0600 or stricter), since whoever
/// reads it can impersonate its owner; the check runs at start-up and names the file and the fix.
public enum CurveKeyFile {
    /// A key file that cannot be used.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, naming the file.
        public let message: String
        /// The message.
        public var description: String { message }
    }

    /// Loads a key pair from a `.secret` file, checking its permissions.
    /// - Throws: ``Problem`` when the file is unreadable, group/other-readable, or lacks a valid key.
    public static func loadKeyPair(path: String) throws -> CurveKeyPair {
        try checkPrivate(path)
        let keys = try read(path)
        guard let secret = keys["secret-key"] else {
            throw Problem(message: "\(path) holds no secret-key line (is it a .pub file?)")
        }
        let derived: CurveKey
        do {
            derived = try CurveKeyPair.publicKey(for: secret)
        } catch {
            throw Problem(message: "\(path): the secret key is not a valid CURVE key")
        }
        if let stated = keys["public-key"], stated != derived {
            throw Problem(message: "\(path): the public key does not belong to the secret key")
        }
        return CurveKeyPair(publicKey: derived, secretKey: secret)
    }

    /// Loads the public key of a `.pub` (or `.secret`) file.
    /// - Throws: ``Problem`` when the file is unreadable or lacks a valid public key.
    public static func loadPublicKey(path: String) throws -> CurveKey {
        guard let key = try read(path)["public-key"] else {
            throw Problem(message: "\(path) holds no public-key line")
        }
        return key
    }

    /// Loads an allow-list: every `.pub` file in a directory, or one file's public key.
    /// - Throws: ``Problem`` when the path is unreadable or a file lacks a valid public key.
    public static func loadAllowList(path: String) throws -> [CurveKey] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Problem(message: "\(path) does not exist")
        }
        guard isDirectory.boolValue else { return [try loadPublicKey(path: path)] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".pub") }.sorted()
        } catch {
            throw Problem(message: "cannot list \(path): \(error.localizedDescription)")
        }
        var keys: [CurveKey] = []
        for name in names { keys.append(try loadPublicKey(path: path + "/" + name)) }
        return keys
    }

    /// Refuses a secret file that group or others may read (any secret driftwatch loads, not only CURVE keys).
    /// - Throws: ``Problem`` naming the file, its mode and the `chmod` that fixes it.
    public static func checkPrivate(_ path: String) throws {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw Problem(message: "cannot read \(path): \(error.localizedDescription)")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard mode & 0o077 == 0 else {
            throw Problem(
                message: "\(path) is readable by others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)"
            )
        }
    }

    private static func read(_ path: String) throws -> [String: CurveKey] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Problem(message: "cannot read \(path): \(error.localizedDescription)")
        }
        var keys: [String: CurveKey] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["public-key", "secret-key"].contains(parts[0]) else {
                throw Problem(message: "\(path):\(number + 1): expected public-key = \"…\" or secret-key = \"…\"")
            }
            let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard let key = CurveKey(z85: value) else {
                throw Problem(message: "\(path):\(number + 1): not a 40-character Z85 key")
            }
            keys[parts[0]] = key
        }
        return keys
    }
}
