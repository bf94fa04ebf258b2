import ArgumentParser
import DriftwatchAgentCommand

/// `driftwatch-agent`: the sidecar agent alone, for deployments that run it beside every model.
///
/// It takes exactly the options of `driftwatch agent` (the agent command is its default subcommand, so
/// `driftwatch-agent --model m …` and `driftwatch-agent agent --model m …` are the same) and links none of the
/// collector's code, which keeps its resident memory smaller (docs/performance.md, "Agent").
@main
struct DriftwatchAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftwatch-agent",
        abstract: "The driftwatch sidecar agent alone: the same options as `driftwatch agent`.",
        discussion: """
            `driftwatch-agent --model M …` runs the agent (`agent` is the default subcommand); \
            `driftwatch-agent agent --help` lists every option. See docs/agent.md.
            """,
        version: DriftwatchVersion.description,
        subcommands: [AgentCommand.self],
        defaultSubcommand: AgentCommand.self
    )
}
