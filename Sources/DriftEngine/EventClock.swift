import DriftProtocol

/// Drives a ``MonitorEngine`` on event time alone: after every batch, the engine advances to the newest event
/// time seen so far.
///
/// This is how `driftwatch backtest` runs the engine, and how the collector runs it with `--clock event` (for
/// replays of recorded traffic, whose event times are in the past), so both give the same notifications for the
/// same batches in the same order. Label batches do not move time (their timestamps are when the label was
/// observed, not an event time), but they are followed by the same advance.
public struct EventClock: Sendable, Codable, Hashable {
    /// The newest event timestamp seen (ns since the epoch), or `Int64.min` before the first event.
    public private(set) var latest: Int64 = .min

    /// Creates a clock that has seen no event.
    public init() {}

    /// Ingests a batch of events, then advances the engine to the newest event time seen.
    /// - Parameters:
    ///   - batch: decoded events.
    ///   - engine: the engine.
    /// - Returns: the notifications of the ingestion, then those of the advance.
    public mutating func ingest(_ batch: EventBatch, into engine: inout MonitorEngine) -> [AlertNotification] {
        var notifications = engine.ingest(batch)
        for timestamp in batch.timestamps where timestamp > latest { latest = timestamp }
        if latest > .min { notifications += engine.advance(to: latest) }
        return notifications
    }

    /// Ingests a batch of labels, then advances the engine to the newest event time seen.
    /// - Parameters:
    ///   - labels: decoded labels.
    ///   - engine: the engine.
    /// - Returns: the notifications of the ingestion, then those of the advance.
    public mutating func ingest(_ labels: LabelBatch, into engine: inout MonitorEngine) -> [AlertNotification] {
        var notifications = engine.ingest(labels)
        if latest > .min { notifications += engine.advance(to: latest) }
        return notifications
    }
}
