import Foundation
import TestSupport

/// A configuration that reacts within seconds of event time, so short simulated runs show whole alert lifecycles.
let fastConfiguration = """
    defaults:
      evaluate_every_events: 500
      evaluate_every: 2s
      reference:
        policy: first_events
        events: 3000
      current_window_events: 1000
      alerts:
        for: 2s
        keep_firing_for: 6s
      traffic:
        window: 10s
        stall_after: 30s
    """

/// Writes `text` to a fresh file in a temporary directory and returns its path.
func writeTemporaryFile(_ text: String, name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// Runs `driftwatch simulate --fast` against `endpoint` and returns what it printed.
func simulate(to endpoint: String, _ arguments: [String]) throws -> ChildProcess.Output {
    try ChildProcess.run(
        ChildProcess.driftwatchExecutable,
        ["simulate", "--fast", "--to", endpoint] + arguments,
        timeout: .seconds(600)
    )
}

/// Polls `condition` every 100 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// Decodes a JSON object from text.
func jsonObject(_ text: String) throws -> [String: Any] {
    (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
}

/// The Python helpers of this test target.
let pythonFolder = Bundle.module.resourceURL!.appendingPathComponent("Python")
