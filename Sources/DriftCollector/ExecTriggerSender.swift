import Foundation

/// Runs a command for each trigger: `/bin/sh -c COMMAND` with the trigger JSON on standard input and the key
/// fields in environment variables (`DRIFTWATCH_TRIGGER_ID`, `DRIFTWATCH_MODEL`, `DRIFTWATCH_MODEL_VERSION`,
/// `DRIFTWATCH_REASON`, `DRIFTWATCH_SOURCE`, `DRIFTWATCH_CREATED_AT_NS`, `DRIFTWATCH_DATA_START_NS`,
/// `DRIFTWATCH_DATA_END_NS`, `DRIFTWATCH_ATTEMPT`). Exit status 0 acknowledges; another status, a signal or
/// outliving ``timeout`` (the process is then killed) fails the attempt. The command's standard output and error
/// are the collector's. Blocks its delivery thread while the command runs.
final class ExecTriggerSender: TriggerSender {
    let command: String
    let timeout: Duration

    init(command: String, timeout: Duration) {
        self.command = command
        self.timeout = timeout
        // A command that exits without reading its input closes the pipe: the write must fail, not kill us.
        signal(SIGPIPE, SIG_IGN)
    }

    func deliver(_ trigger: TriggerSummary, body: [UInt8], attempt: Int) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
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
        process.environment = environment
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
        } catch {
            return "could not run '\(command)': \(error)"
        }
        // Written from another thread: a command that never reads a large payload must not block this one.
        let writer = input.fileHandleForWriting
        let payload = Data(body)
        Thread.detachNewThread {
            try? writer.write(contentsOf: payload)
            try? writer.close()
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return "'\(command)' did not finish within \(timeout); killed"
        }
        process.waitUntilExit()
        switch (process.terminationReason, process.terminationStatus) {
        case (.exit, 0): return nil
        case (.exit, let status): return "'\(command)' exited with status \(status)"
        default: return "'\(command)' was killed by signal \(process.terminationStatus)"
        }
    }
}
