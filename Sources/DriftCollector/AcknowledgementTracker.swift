/// Tracks, per agent, which batch sequence numbers have been stored, and answers with the highest contiguous one.
///
/// Wire protocol v1 (docs/protocol.md, "Sequence numbers and acknowledgements"): agents number batches 1, 2, 3, …
/// and resend unacknowledged ones, so the collector must accept each sequence exactly once, in any order, and
/// acknowledge the highest N such that 1…N were all stored. Out-of-order sequences above N are remembered up to
/// ``maxOutOfOrder`` per agent; beyond that the batch is refused (not acknowledged), and the agent resends it later.
struct AcknowledgementTracker: Sendable, Codable, Equatable {
    /// How many sequences above the contiguous mark one agent may have outstanding.
    static let maxOutOfOrder = 4096

    /// What to do with a batch.
    enum Disposition: Equatable {
        /// A sequence not seen before: process it, then acknowledge `acknowledge`.
        case accept
        /// Already stored (a resend): skip it, acknowledge again.
        case duplicate
        /// Too far ahead of the contiguous mark: neither process nor remember it; the agent will resend.
        case refuse
    }

    private struct Progress: Sendable, Codable, Equatable {
        var contiguous: UInt64 = 0
        var ahead: Set<UInt64> = []
    }

    private var agents: [String: Progress] = [:]

    /// Number of agents seen.
    var agentCount: Int { agents.count }

    /// Classifies `sequence` from `agent` and, when accepted, records it.
    /// - Returns: the disposition and the highest contiguous sequence to acknowledge afterwards.
    mutating func record(agent: String, sequence: UInt64) -> (Disposition, acknowledge: UInt64) {
        // An agent id with no record here (a collector started with a new store, or an agent that outlived the
        // checkpoint that knew it) starts at the first sequence it sends: whatever came before went to a store
        // this collector does not have, and waiting for it would stall the agent forever (docs/protocol.md).
        var progress = agents[agent] ?? Progress(contiguous: sequence > 0 ? sequence - 1 : 0)
        defer { agents[agent] = progress }
        if sequence == 0 || sequence <= progress.contiguous || progress.ahead.contains(sequence) {
            return (.duplicate, progress.contiguous)
        }
        if sequence == progress.contiguous + 1 {
            progress.contiguous = sequence
            while progress.ahead.remove(progress.contiguous + 1) != nil {
                progress.contiguous += 1
            }
            return (.accept, progress.contiguous)
        }
        guard progress.ahead.count < Self.maxOutOfOrder else { return (.refuse, progress.contiguous) }
        progress.ahead.insert(sequence)
        return (.accept, progress.contiguous)
    }

    /// The highest contiguous sequence stored for `agent` (0 when none).
    func acknowledged(agent: String) -> UInt64 {
        agents[agent]?.contiguous ?? 0
    }
}
