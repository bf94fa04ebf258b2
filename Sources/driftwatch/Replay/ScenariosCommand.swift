import ArgumentParser
import DriftReplay
import Foundation

/// `driftwatch scenarios`: writes the seeded backtest scenarios of `testdata/` and their ground truth.
struct ScenariosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenarios",
        abstract: "Generate the seeded backtest scenarios (capture files and ground truth) of testdata/.",
        discussion: """
            Each scenario is simulated traffic of the fraud model (docs/simulate.md) at 10 requests/s from \
            2024-05-01T00:00:00Z, written with driftwatch simulate's traffic model to capture files, and a \
            <name>.truth.json naming its incidents, the alerts they must raise and the longest acceptable delay. \
            The same build always writes the same bytes. See docs/backtest.md.
            """
    )

    @Option(help: "Output directory.")
    var output: String = "testdata"

    @Option(help: "Only these scenarios (repeatable; default: all).")
    var only: [String] = []

    func run() throws {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        for scenario in Scenario.catalogue where only.isEmpty || only.contains(scenario.name) {
            var events = 0
            for run in scenario.runs {
                let configuration = SimulationConfiguration(
                    endpoint: "",
                    modelNames: [Scenario.model],
                    modelVersion: run.modelVersion,
                    rate: Scenario.rate,
                    duration: Int64(run.duration * 1e9),
                    seed: run.seed,
                    batchSize: 64,
                    batchInterval: 1_000_000_000,
                    incidents: try run.incidents.map {
                        try Incident(parsing: $0, features: FraudTrafficModel.featureNames)
                    },
                    labelFraction: 0.5,
                    labelDelay: 5_000_000_000,
                    agentID: "scenario-\(scenario.name)-\(run.modelVersion)",
                    fast: true,
                    startTime: Scenario.startTime + Int64(run.startOffset * 1e9)
                )
                let sink = CaptureSink(path: "\(output)/\(run.file)")
                let simulation = try TrafficSimulation(configuration: configuration, sender: sink, stop: StopSignal())
                events += try simulation.run().events
            }
            let truth = ScenarioTruth(
                scenario: scenario.name,
                description: scenario.description,
                files: scenario.runs.map(\.file),
                events: events,
                incidents: scenario.truths.map {
                    ScenarioTruth.Incident(
                        name: $0.name,
                        startNanoseconds: Scenario.startTime + Int64($0.start * 1e9),
                        endNanoseconds: Scenario.startTime + Int64($0.end * 1e9),
                        expected: $0.expected,
                        allowed: $0.allowed,
                        maxDelaySeconds: $0.maxDelay
                    )
                }
            )
            try (truth.encoded() + Data("\n".utf8)).write(
                to: URL(fileURLWithPath: "\(output)/\(scenario.name).truth.json")
            )
            printError("scenarios: \(scenario.name): \(events) events")
        }
    }
}
