import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command for each trigger: `/bin/sh -c COMMAND` with the trigger JSON on standard input and the key
/// fields in environment variables (`DRIFTWATCH_TRIGGER_ID`, `DRIFTWATCH_MODEL`, `DRIFTWATCH_MODEL_VERSION`,
/// `DRIFTWATCH_REASON`, `DRIFTWATCH_SOURCE`, `DRIFTWATCH_CREATED_AT_NS`, `DRIFTWATCH_DATA_START_NS`,
/// `DRIFTWATCH_DATA_END_NS`, `DRIFTWATCH_ATTEMPT`). Exit status 0 acknowledges; another status, a signal or
/// outliving ``timeout`` fails the attempt.
///
/// The command runs in its own process group with default signal dispositions and an empty signal mask (the
/// collector's own handling of SIGTERM, SIGINT, SIGHUP and SIGPIPE is not inherited), so a timeout kills the whole
/// group, children included. Its standard output and error are the collector's. Blocks its delivery thread while
/// the command runs.
final class ExecTriggerSender: TriggerSender {
    let command: String
    let timeout: Duration

    init(command: String, timeout: Duration) {
        self.command = command
        self.timeout = timeout
        // A command that exits without reading its input closes the pipe: our write must fail, not kill us.
        signal(SIGPIPE, SIG_IGN)
    }

    func deliver(_ trigger: TriggerSummary, body: [UInt8], attempt: Int) -> String? {
        var environment = ProcessInfo.processInfo.environment
        environment["DRIFTWATCH_TRIGGER_ID"] = trigger.id
        environment["DRIFTWATCH_MODEL"] = trigger.model
        environment["DRIFTWATCH_MODEL_VERSION"] = trigger.modelVersion
        environment["DRIFTWATCH_REASON"] = trigger.reason
        environment["DRIFTWATCH_SOURCE"] = trigger.source
        environment["DRIFTWATCH_CREATED_AT_NS"] = String(trigger.createdAt)
        environment["DRIFTWATCH_DATA_START_NS"] = String(trigger.dataStart)
        environment["DRIFTWATCH_DATA_END_NS"] = String(trigger.dataEnd)
        environment["DRIFTWATCH_ATTEMPT"] = String(attempt)

        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { return "could not create a pipe: errno \(errno)" }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        let pid: pid_t
        switch spawn(stdin: readEnd, environment: environment) {
        case .success(let spawned): pid = spawned
        case .failure(let message):
            close(readEnd)
            close(writeEnd)
            return message
        }
        close(readEnd)
        // Written from another thread: a command that never reads a large payload must not block this one; the
        // write ends (EPIPE) when the command exits.
        let payload = body
        Thread.detachNewThread {
            payload.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(writeEnd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(writeEnd)
        }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { return "could not wait for '\(command)': errno \(errno)" }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return "'\(command)' did not finish within \(timeout); killed"
            }
            usleep(10_000)
        }
        let signalNumber = status & 0x7f
        if signalNumber != 0 { return "'\(command)' was killed by signal \(signalNumber)" }
        let exitStatus = (status >> 8) & 0xff
        return exitStatus == 0 ? nil : "'\(command)' exited with status \(exitStatus)"
    }

    private enum Spawned {
        case success(pid_t)
        case failure(String)
    }

    private func spawn(stdin: Int32, environment: [String: String]) -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, STDIN_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        )
        let argv: [String] = ["/bin/sh", "-c", command]
        let envp: [String] = environment.map { "\($0.key)=\($0.value)" }
        let arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let variables: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in variables { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, variables)
        return result == 0 ? .success(pid) : .failure("could not run '\(command)': errno \(result)")
    }
}
