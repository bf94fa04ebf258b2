/// Deduplicates wire batches by (agent, sequence) the way the collector does (docs/protocol.md, "Sequence numbers
/// and acknowledgements"), so a capture that holds an agent's resends is backtested as the collector ingested it.
///
/// An agent starts at the first sequence it is seen with; a sequence at or below the contiguous mark, or already
/// seen above it, is a duplicate.
public struct SequenceTracker: Sendable {
    private struct Progress: Sendable {
        var contiguous: UInt64
        var ahead: Set<UInt64> = []
    }

    private var agents: [String: Progress] = [:]

    /// Creates a tracker that has seen nothing.
    public init() {}

    /// The highest N such that 1…N (from the agent's first sequence on) were accepted; 0 for an unknown agent.
    /// - Parameter agent: the agent id.
    public func acknowledged(agent: String) -> UInt64 {
        agents[agent]?.contiguous ?? 0
    }

    /// Records `sequence` from `agent`.
    /// - Returns: whether the batch is new (process it) rather than a duplicate.
    public mutating func accept(agent: String, sequence: UInt64) -> Bool {
        guard sequence > 0 else { return false }
        var progress = agents[agent] ?? Progress(contiguous: sequence - 1)
        defer { agents[agent] = progress }
        if sequence <= progress.contiguous || progress.ahead.contains(sequence) { return false }
        if sequence == progress.contiguous + 1 {
            progress.contiguous = sequence
            while progress.ahead.remove(progress.contiguous + 1) != nil { progress.contiguous += 1 }
        } else {
            progress.ahead.insert(sequence)
        }
        return true
    }
}
