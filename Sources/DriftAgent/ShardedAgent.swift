import DriftProtocol
import Logging

/// An agent in front of several collector shards (docs/sharding.md): one ``MonitoringAgent`` per shard, each with
/// its own spool (a subdirectory named after the shard) and agent id (`<id>@<shard>`), and every event and label
/// routed to the shard that owns its model in the ``ShardMap``.
///
/// One delivery path per shard keeps each collector's view of the agent's sequence numbers free of gaps, which
/// cumulative acknowledgements need; a shard that is down fills only its own spool.
public final class ShardedAgent: AgentEventSink {
    /// The shard list.
    public let map: ShardMap
    /// The per-shard agents, in the order of the map's shards.
    public let agents: [MonitoringAgent]
    private let byName: [String: MonitoringAgent]

    /// Starts one agent per shard.
    /// - Parameters:
    ///   - map: the shards.
    ///   - configuration: the settings every shard's agent shares; its collector endpoint is replaced by the
    ///     shard's, its spool directory (if any) gets a subdirectory per shard, and its agent id (or a generated
    ///     one) gets the suffix `@<shard name>`.
    ///   - curveByShard: CURVE keys per shard name (a shard's own collector key); a shard absent from it uses
    ///     `configuration.curve`.
    ///   - logger: where the agents log.
    /// - Throws: ``AgentError`` from the first shard's agent that cannot start (those already started are stopped).
    public init(
        map: ShardMap,
        configuration: AgentConfiguration,
        curveByShard: [String: CurveClientKeys] = [:],
        logger: Logger = Logger(label: "driftwatch.agent")
    )
        throws(AgentError)
    {
        self.map = map
        let base = configuration.agentID ?? MonitoringAgent.generatedAgentID()
        var agents: [MonitoringAgent] = []
        for shard in map.shards {
            var settings = configuration
            settings.collectorEndpoint = shard.ingest
            settings.spoolDirectory = configuration.spoolDirectory.map { $0 + "/" + shard.name }
            settings.agentID = base + "@" + shard.name
            settings.curve = curveByShard[shard.name] ?? configuration.curve
            var shardLogger = logger
            shardLogger[metadataKey: "shard"] = "\(shard.name)"
            do {
                agents.append(try MonitoringAgent(configuration: settings, logger: shardLogger))
            } catch {
                for agent in agents { agent.shutdown() }
                throw error
            }
        }
        self.agents = agents
        byName = Dictionary(uniqueKeysWithValues: zip(map.shards.map(\.name), agents))
    }

    /// The agent delivering `model`'s events.
    public func agent(for model: String) -> MonitoringAgent {
        // Every shard has an agent, so the lookup cannot fail; the first agent is a formal fallback.
        byName[map.owner(of: model).name] ?? agents[0]
    }

    /// Records `event` with the agent of its model's shard.
    @discardableResult
    public func record(_ event: AgentEvent) -> Bool { agent(for: event.model).record(event) }

    /// Records `label` with the agent of its model's shard.
    @discardableResult
    public func record(_ label: AgentLabel) -> Bool { agent(for: label.model).record(label) }

    /// Stops every shard's agent (each drains up to its drain timeout; they stop one after another).
    public func shutdown() {
        for agent in agents { agent.shutdown() }
    }
}
