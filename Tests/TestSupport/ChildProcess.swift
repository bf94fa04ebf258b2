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

    /// Starts `executable` with `arguments` and returns at once; stdout and stderr go to pipes read on exit.
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
public final class RunningProcess: @unchecked Sendable {
    // @unchecked: `process` and the pipes are only touched through Foundation's thread-safe Process API and the
    // file handles' own locking; `collected` is guarded by `lock`.
    private let process = Process()
    private let outputPipe = Pipe()
    private let errorPipe = Pipe()
    private let lock = NSLock()
    private var outputData = Data()
    private var errorData = Data()

    init(executable: URL, arguments: [String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        // Drain the pipes while the child runs so a chatty child never blocks on a full pipe.
        outputPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.outputData.append(data) }
        }
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.errorData.append(data) }
        }
        // The child inherits the signal mask of the thread that spawns it, and the test runner's threads block
        // nearly every signal: spawned as is, a child would ignore SIGTERM and outlive its test. Unblock them for
        // the spawn, then restore the thread's mask.
        var everything = sigset_t()
        sigemptyset(&everything)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &everything, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// The child's process id.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Whether the child is still running.
    public var isRunning: Bool { process.isRunning }

    /// Standard error printed so far.
    public var standardErrorSoFar: String {
        lock.withLock { String(decoding: errorData, as: UTF8.self) }
    }

    /// Standard output printed so far.
    public var standardOutputSoFar: String {
        lock.withLock { String(decoding: outputData, as: UTF8.self) }
    }

    /// Sends a signal (SIGTERM by default) to the child.
    public func signal(_ signal: Int32 = SIGTERM) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until standard error (or output) contains `text`, or `timeout` passes; returns whether it did.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(30)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if standardErrorSoFar.contains(text) || standardOutputSoFar.contains(text) { return true }
            if !process.isRunning { break }
            usleep(10_000)
        }
        return standardErrorSoFar.contains(text) || standardOutputSoFar.contains(text)
    }

    /// Waits for the child to exit, killing it after `timeout`, and returns what it printed.
    public func waitForExit(timeout: Duration = .seconds(60)) throws -> ChildProcess.Output {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw ChildProcessTimedOut(arguments: process.arguments ?? [], standardError: standardErrorSoFar)
        }
        process.waitUntilExit()
        outputPipe.fileHandleForReading.readabilityHandler = nil
        errorPipe.fileHandleForReading.readabilityHandler = nil
        let restOut = outputPipe.fileHandleForReading.readDataToEndOfFile()
        let restErr = errorPipe.fileHandleForReading.readDataToEndOfFile()
        return lock.withLock {
            outputData.append(restOut)
            errorData.append(restErr)
            return ChildProcess.Output(
                status: process.terminationStatus,
                terminatedBySignal: process.terminationReason == .uncaughtSignal,
                standardOutput: String(decoding: outputData, as: UTF8.self),
                standardError: String(decoding: errorData, as: UTF8.self)
            )
        }
    }
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
