import Foundation

/// Runs real processes from tests: the built `driftwatch` executable, Python peers, with a deadline on every wait.
public enum ChildProcess {
    /// What a finished process printed and how it ended.
    public struct Output: Sendable {
        /// Exit status (or the terminating signal's number when `terminatedBySignal`).
        public let status: Int32
        /// Whether a signal ended the process.
        public let terminatedBySignal: Bool
        /// Everything written to standard output, as UTF-8.
        public let standardOutput: String
        /// Everything written to standard error, as UTF-8.
        public let standardError: String
    }

    /// The `driftwatch` executable built next to the test bundle.
    public static var driftwatchExecutable: URL {
        productsDirectory.appendingPathComponent("driftwatch")
    }

    /// The build products folder (`.build/<triple>/debug`) holding the test bundle and the executables.
    public static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The root of this checkout (for `examples/` and other committed files).
    public static var repositoryDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// `examples/training_receiver.py`: the pyzmq training system that receives retraining triggers.
    public static var trainingReceiverScript: URL {
        repositoryDirectory.appendingPathComponent("examples/training_receiver.py")
    }

    /// The first `python3` on the PATH.
    public static let python = "/usr/bin/env"

    /// Starts `executable` with `arguments` and returns at once; stdout and stderr are collected as it runs.
    public static func start(_ executable: URL, _ arguments: [String]) throws -> RunningProcess {
        try RunningProcess(executable: executable, arguments: arguments)
    }

    /// Runs `executable` to completion, killing it if it outlives `timeout`.
    public static func run(_ executable: URL, _ arguments: [String], timeout: Duration = .seconds(60)) throws -> Output
    {
        try start(executable, arguments).waitForExit(timeout: timeout)
    }

    /// Runs a Python 3 script with arguments to completion.
    public static func runPython(
        _ script: URL,
        _ arguments: [String],
        timeout: Duration = .seconds(60)
    ) throws -> Output {
        try run(URL(fileURLWithPath: python), ["python3", script.path] + arguments, timeout: timeout)
    }

    /// Starts a Python 3 script and returns at once.
    public static func startPython(_ script: URL, _ arguments: [String]) throws -> RunningProcess {
        try start(URL(fileURLWithPath: python), ["python3", script.path] + arguments)
    }
}

/// A child process started by a test; killed when the test forgets it.
///
/// Spawned with `posix_spawn` and watched with `waitpid` on its own pid rather than through Foundation's `Process`.
/// Foundation learns of an exit from the end of a socket pair the child inherits, and while tests spawn processes
/// from several threads at once, another child spawned in the same instant can inherit that end too: the first
/// child then looks alive until the second exits (seen as a 60 s "timed out" on a Python peer that had finished).
/// Here the output channels are created close-on-exec and an exit is the child's own `waitpid`, so no other child
/// a test spawns holds these channels or decides when this child counts as exited.
public final class RunningProcess: @unchecked Sendable {
    // @unchecked: `pid`, `arguments` and the readers are set once in `init`; `exit` is guarded by `lock`, and the
    // readers guard their own buffers.
    private let pid: pid_t
    private let arguments: [String]
    private let output: OutputReader
    private let error: OutputReader
    private let lock = NSLock()
    private var exit: (status: Int32, bySignal: Bool)?

    init(executable: URL, arguments: [String]) throws {
        self.arguments = arguments
        var outputEnds: [Int32] = [-1, -1]
        var errorEnds: [Int32] = [-1, -1]
        // Socket pairs rather than pipes: Glibc as Swift imports it has no pipe2, and only an atomic close-on-exec
        // keeps a child spawned by another thread at this instant from inheriting them.
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &outputEnds) == 0 else { throw ChildProcessSpawnFailed(arguments, errno) }
        guard socketpair(AF_UNIX, type, 0, &errorEnds) == 0 else {
            let code = errno
            close(outputEnds[0])
            close(outputEnds[1])
            throw ChildProcessSpawnFailed(arguments, code)
        }
        defer {
            // The child has its own copies (or was never made); the parent keeps only the read ends.
            close(outputEnds[1])
            close(errorEnds[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputEnds[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, errorEnds[1], STDERR_FILENO)

        // The test runner's threads block nearly every signal and a child inherits the spawning thread's mask:
        // spawned as is, it would ignore SIGTERM and outlive its test. It gets an empty mask, default handlers
        // and its own process group (a signal meant for the runner's group does not reach it).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP)
        )

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable.path, &actions, &attributes, argv, environ)
        guard result == 0 else {
            close(outputEnds[0])
            close(errorEnds[0])
            throw ChildProcessSpawnFailed(arguments, result)
        }
        pid = child
        output = OutputReader(descriptor: outputEnds[0])
        error = OutputReader(descriptor: errorEnds[0])
    }

    deinit {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        // Reap it off the test's thread, killing it outright if SIGTERM is not enough.
        let pid = self.pid
        Thread.detachNewThread {
            for _ in 0..<1_000 {
                // Reaped (or gone): the pid may already be somebody else's, so nothing more is sent to it.
                if waitpid(pid, nil, WNOHANG) != 0 { return }
                usleep(10_000)
            }
            kill(pid, SIGKILL)
            while waitpid(pid, nil, 0) < 0 && errno == EINTR {}
        }
    }

    /// The child's process id.
    public var processIdentifier: Int32 { pid }

    /// Whether the child is still running (reaping it once it has exited).
    public var isRunning: Bool { reap() == nil }

    /// Standard error printed so far.
    public var standardErrorSoFar: String { error.text }

    /// Standard output printed so far.
    public var standardOutputSoFar: String { output.text }

    /// Sends a signal (SIGTERM by default) to the child.
    public func signal(_ signal: Int32 = SIGTERM) {
        lock.withLock {
            // Once reaped, the pid may belong to somebody else.
            if exit == nil { _ = kill(pid, signal) }
        }
    }

    /// Waits until standard error (or output) contains `text`, or `timeout` passes; returns whether it did.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(30)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if standardErrorSoFar.contains(text) || standardOutputSoFar.contains(text) { return true }
            if !isRunning { break }
            usleep(10_000)
        }
        return standardErrorSoFar.contains(text) || standardOutputSoFar.contains(text)
    }

    /// Waits for the child to exit, killing it after `timeout`, and returns what it printed.
    public func waitForExit(timeout: Duration = .seconds(60)) throws -> ChildProcess.Output {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        guard let exit = reap() else {
            signal(SIGTERM)
            let grace = ContinuousClock.now + .seconds(10)
            while isRunning && ContinuousClock.now < grace { usleep(5_000) }
            if isRunning {
                signal(SIGKILL)
                while isRunning { usleep(5_000) }
            }
            throw ChildProcessTimedOut(arguments: arguments, standardError: standardErrorSoFar)
        }
        // The channels end when the child and anything it started that kept them have gone; a grandchild that
        // holds them past the grace period does not hold the test.
        output.waitForEnd(timeout: .seconds(10))
        error.waitForEnd(timeout: .seconds(10))
        return ChildProcess.Output(
            status: exit.status,
            terminatedBySignal: exit.bySignal,
            standardOutput: output.text,
            standardError: error.text
        )
    }

    /// The exit status once the child has ended, reaping it the first time; nil while it runs.
    private func reap() -> (status: Int32, bySignal: Bool)? {
        lock.withLock {
            if let exit { return exit }
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, WNOHANG) } while result < 0 && errno == EINTR
            guard result == pid else { return nil }
            let signal = status & 0x7f
            exit = signal == 0 ? (status: (status >> 8) & 0xff, bySignal: false) : (status: signal, bySignal: true)
            return exit
        }
    }
}

/// Reads one output channel to its end on a thread of its own, so a chatty child never blocks on a full buffer.
private final class OutputReader: @unchecked Sendable {
    // @unchecked: `data` and `ended` are guarded by `condition`; the descriptor belongs to the reading thread.
    private let condition = NSCondition()
    private var data = Data()
    private var ended = false

    init(descriptor: Int32) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                condition.withLock { data.append(contentsOf: buffer[0..<count]) }
            }
            close(descriptor)
            condition.withLock {
                ended = true
                condition.broadcast()
            }
        }
    }

    /// Everything read so far, as UTF-8.
    var text: String { condition.withLock { String(decoding: data, as: UTF8.self) } }

    /// Waits until the channel has ended or `timeout` passes.
    func waitForEnd(timeout: Duration) {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.components.seconds))
        condition.withLock {
            while !ended && condition.wait(until: deadline) {}
        }
    }
}

/// A child process that could not be started.
public struct ChildProcessSpawnFailed: Error, CustomStringConvertible {
    /// The command line.
    public let arguments: [String]
    /// The errno value.
    public let code: Int32

    init(_ arguments: [String], _ code: Int32) {
        self.arguments = arguments
        self.code = code
    }

    public var description: String { "could not start \(arguments): \(String(cString: strerror(code)))" }
}

/// A child process that did not exit in time; it has been killed.
public struct ChildProcessTimedOut: Error, CustomStringConvertible {
    /// The command line.
    public let arguments: [String]
    /// What it had printed on standard error.
    public let standardError: String

    public var description: String { "process \(arguments) timed out; stderr: \(standardError)" }
}

/// A fresh private temporary directory, removed by the caller when done.
public func makeTemporaryDirectory(_ prefix: String = "driftwatch-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A loopback TCP port that was free a moment ago (for a child that must be told its port before it binds).
public func freeLoopbackPort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
