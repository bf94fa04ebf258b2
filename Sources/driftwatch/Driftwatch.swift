import ArgumentParser
import DriftwatchAgentCommand

/// The `driftwatch` command: one executable, one subcommand per part a user runs.
@main
struct Driftwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftwatch",
        abstract: "Streaming drift and anomaly detection for machine-learning models in production.",
        discussion: """
            An agent beside each model publishes prediction, feature, label and latency events over ZeroMQ to a \
            collector, which detects drift statistically and publishes alerts and retraining triggers.
            See README.md and docs/ for the topology and the wire protocol.
            """,
        version: DriftwatchVersion.description,
        subcommands: [
            CollectorRunCommand.self, AgentCommand.self, SimulateCommand.self, SubscribeCommand.self,
            ModelsCommand.self, BaselineCommand.self, ConfigCommand.self, InspectCommand.self, KeygenCommand.self,
            TriggerCommand.self, TriggersCommand.self, RecordCommand.self, ReplayCommand.self, BacktestCommand.self,
            EvaluateCommand.self, ScenariosCommand.self,
        ]
    )
}
