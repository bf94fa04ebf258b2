import Foundation
import TestSupport
import Testing

/// Runs `driftwatch record ARGUMENTS --ingest tcp://127.0.0.1:*`, sends it `driftwatch simulate SIMULATION` and stops
/// it with SIGINT, expecting both to succeed.
/// - Returns: what the recorder printed.
func recordSimulation(recorder arguments: [String], simulation: [String]) throws -> ChildProcess.Output {
    let recorder = try ChildProcess.start(
        ChildProcess.driftwatchExecutable,
        ["record", "--ingest", "tcp://127.0.0.1:*"] + arguments
    )
    #expect(recorder.waitForOutput(containing: "ingest endpoint"))
    let endpoint =
        recorder.standardErrorSoFar.components(separatedBy: "ingest endpoint ").last?
        .split(separator: "\n").first.map(String.init) ?? ""
    let sent = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["simulate", "--to", endpoint] + simulation)
    #expect(sent.status == 0, "\(sent.standardError)")
    recorder.signal(SIGINT)
    let recorded = try recorder.waitForExit(timeout: .seconds(30))
    #expect(recorded.status == 0, "\(recorded.standardError)")
    return recorded
}
