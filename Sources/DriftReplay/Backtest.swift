import DriftEngine
import DriftProtocol

/// Runs the monitoring engine offline on event time, exactly as the collector runs it with `--clock event`.
///
/// Wire messages are decoded and deduplicated by (agent, sequence) like the collector does; every accepted batch
/// goes to the engine through an ``EventClock`` (ingest, then advance to the newest event time). No socket, no
/// wall clock: the same inputs and configuration always give the same notifications.
public struct Backtest: Sendable {
    /// What was fed.
    public struct Counts: Sendable, Hashable {
        /// Events ingested.
        public var events = 0
        /// Labels ingested.
        public var labels = 0
        /// Event batches ingested.
        public var eventBatches = 0
        /// Label batches ingested.
        public var labelBatches = 0
        /// Wire batches skipped as resends of an (agent, sequence) already ingested.
        public var duplicates = 0
        /// Wire messages that could not be decoded (or were not batches).
        public var rejected = 0
        /// Labels withheld because their model's privacy settings drop request ids.
        public var labelsWithheld = 0
    }

    /// The engine, for snapshots after the run.
    public private(set) var engine: MonitorEngine
    /// What was fed so far.
    public private(set) var counts = Counts()
    private var clock = EventClock()
    private var sequences = SequenceTracker()
    private let privacy: PrivacyFilter?

    /// Creates a backtest with a fresh engine.
    /// - Parameters:
    ///   - resolver: the configuration.
    ///   - privacy: the filter the collector would apply before its engine (the configuration's `privacy`
    ///     sections with the deployment's key), or nil to feed batches as they are.
    public init(resolver: ConfigurationResolver, privacy: PrivacyFilter? = nil) {
        engine = MonitorEngine(resolver: resolver)
        self.privacy = privacy
    }

    /// The newest event time seen (ns), or nil before the first event.
    public var eventTime: Int64? { clock.latest == .min ? nil : clock.latest }

    /// Feeds every input in order.
    /// - Parameter inputs: the merged inputs.
    /// - Returns: every notification, in order.
    public mutating func run(_ inputs: [BacktestInput]) -> [AlertNotification] {
        var notifications: [AlertNotification] = []
        for input in inputs { notifications += feed(input) }
        return notifications
    }

    /// Feeds one input.
    /// - Parameter input: a wire message or a built batch.
    /// - Returns: the notifications it caused.
    public mutating func feed(_ input: BacktestInput) -> [AlertNotification] {
        switch input.payload {
        case .wire(let bytes): return feed(wire: bytes)
        case .events(let batch): return feed(batch)
        case .labels(let batch): return feed(batch)
        }
    }

    /// Decodes one wire message and feeds it unless it is a resend.
    /// - Parameter bytes: the message.
    /// - Returns: the notifications it caused.
    public mutating func feed(wire bytes: [UInt8]) -> [AlertNotification] {
        let message: WireMessage
        do {
            message = try WireMessage(decoding: bytes)
        } catch {
            counts.rejected += 1
            // A malformed batch with a readable header is acknowledged by the collector: its sequence counts.
            if let (_, header) = try? bytes.withUnsafeBytes({ try WireMessage.batchHeader(of: $0) }) {
                _ = sequences.accept(agent: header.agentID, sequence: header.sequence)
            }
            return []
        }
        switch message {
        case .events(let batch):
            guard sequences.accept(agent: batch.header.agentID, sequence: batch.header.sequence) else {
                counts.duplicates += 1
                return []
            }
            return feed(batch)
        case .labels(let batch):
            guard sequences.accept(agent: batch.header.agentID, sequence: batch.header.sequence) else {
                counts.duplicates += 1
                return []
            }
            return feed(batch)
        case .acknowledgement:
            counts.rejected += 1
            return []
        }
    }

    /// Feeds a batch of events (no deduplication).
    /// - Parameter batch: the events.
    /// - Returns: the notifications it caused.
    public mutating func feed(_ batch: EventBatch) -> [AlertNotification] {
        counts.events += batch.count
        counts.eventBatches += 1
        return clock.ingest(privacy?.apply(batch) ?? batch, into: &engine)
    }

    /// Feeds a batch of labels (no deduplication).
    /// - Parameter batch: the labels.
    /// - Returns: the notifications it caused.
    public mutating func feed(_ batch: LabelBatch) -> [AlertNotification] {
        var batch = batch
        if let privacy {
            guard let kept = privacy.apply(batch) else {
                counts.labelsWithheld += batch.labels.count
                return []
            }
            batch = kept
        }
        counts.labels += batch.labels.count
        counts.labelBatches += 1
        return clock.ingest(batch, into: &engine)
    }
}
