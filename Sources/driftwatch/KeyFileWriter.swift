import ArgumentParser
import DriftwatchAgentCommand
import Foundation

/// Writes key files with an exact mode, never through a window in which a secret is readable by others.
enum KeyFileWriter {
    /// Creates `path` with `mode` (umask cannot widen it) and writes `text`.
    /// - Parameter replacing: when `false`, an existing file is an error; when `true` it is replaced.
    static func write(_ text: String, to path: String, mode: mode_t, replacing: Bool) throws {
        if replacing, unlink(path) != 0, errno != ENOENT {
            throw failure("remove", path)
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            if errno == EEXIST {
                throw CommandFailure("\(path) already exists; pass --force to replace it.")
            }
            throw failure("create", path)
        }
        defer { close(descriptor) }
        // open() applied the umask; set the mode exactly so a public key stays readable and a secret stays private.
        guard fchmod(descriptor, mode) == 0 else { throw failure("set the mode of", path) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw failure("sync", path) }
    }

    private static func failure(_ action: String, _ path: String) -> CommandFailure {
        CommandFailure("Could not \(action) \(path): \(String(cString: strerror(errno))).")
    }
}
