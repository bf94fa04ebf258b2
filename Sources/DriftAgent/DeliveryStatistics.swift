/// What the delivery worker has stored, sent, had acknowledged and dropped: the agent's `/metrics`.
public struct DeliveryStatistics: Sendable, Equatable {
    /// The agent id batches carry.
    public var agentID: String = ""
    /// Batches written to the spool.
    public var batchesStored = 0
    /// Events written to the spool.
    public var eventsStored = 0
    /// Labels written to the spool.
    public var labelsStored = 0
    /// Events dropped because the spool was full.
    public var eventsDroppedSpoolFull = 0
    /// Labels dropped because the spool was full.
    public var labelsDroppedSpoolFull = 0
    /// Events and labels refused because a value broke a wire rule, by rule code.
    public var invalid: [String: Int] = [:]
    /// Batches that could not be written to the spool (I/O errors), whose items were dropped.
    public var spoolWriteErrors = 0
    /// First sends of batches.
    public var batchesSent = 0
    /// Sends of a batch after its first (acknowledgement overdue).
    public var resends = 0
    /// Acknowledgements that could not be decoded or named another agent.
    public var badAcknowledgements = 0
    /// Batches the collector acknowledged.
    public var batchesDelivered = 0
    /// Events the collector acknowledged.
    public var eventsDelivered = 0
    /// Labels the collector acknowledged.
    public var labelsDelivered = 0
    /// The highest contiguous sequence acknowledged.
    public var acknowledgedSequence: UInt64 = 0
    /// The highest sequence stored.
    public var lastSequence: UInt64 = 0
    /// Batches in the spool awaiting acknowledgement.
    public var pendingBatches = 0
    /// Events in the spool awaiting acknowledgement.
    public var pendingEvents = 0
    /// Bytes the spool holds.
    public var spoolBytes = 0
    /// Batches found in the spool at start (left by a previous run).
    public var recoveredBatches = 0
    /// Torn or corrupt records cut off the spool at start.
    public var recoveredTornRecords = 0
    /// When the last acknowledgement arrived.
    public var lastAcknowledgement: ContinuousClock.Instant?
    /// Whether the worker has stopped.
    public var stopped = false

    /// Creates empty statistics.
    public init() {}
}
