import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The model command started by `driftwatch agent … -- COMMAND`, spawned with `posix_spawnp`.
///
/// Spawned directly rather than through Foundation's `Process` because the child must start with an empty signal
/// mask and default handlers: the agent's threads block signals (swift-service-lifecycle handles them), and a
/// child inheriting that mask would ignore the SIGTERM the agent forwards on shutdown.
final class ModelProcess: Sendable {
    /// The child's process id.
    let pid: pid_t
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `arguments[0]` (looked up on PATH) with the rest as its arguments and the agent's environment.
    /// - Throws: ``CommandFailure`` when it cannot be started.
    init(arguments: [String]) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cArguments = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var child: pid_t = 0
        let status = posix_spawnp(&child, arguments[0], nil, &attributes, &cArguments, environ)
        guard status == 0 else {
            throw CommandFailure("cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    /// Sends `signal` to the child (ignored when it has exited).
    func send(_ signal: Int32) {
        _ = kill(pid, signal)
    }

    /// Polls for the child's exit without blocking; returns its exit status (128 + signal when killed) once it
    /// has exited, nil while it runs.
    func exitStatus() -> Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            let signal = status & 0x7f
            reaped = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            return reaped
        }
    }
}
