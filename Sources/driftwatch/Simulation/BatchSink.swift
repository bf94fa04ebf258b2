/// Where a simulation's numbered batches go: a collector (``AcknowledgedSender``) or a capture file
/// (``CaptureSink``).
protocol BatchSink: AnyObject {
    /// The most batches kept unacknowledged.
    var capacity: Int { get }
    /// Batches sent at least once.
    var batchesSent: Int { get }
    /// The highest contiguous sequence acknowledged.
    var acknowledged: UInt64 { get }
    /// Batches not yet acknowledged.
    var unacknowledged: Int { get }
    /// Sends of a batch after its first.
    var resends: Int { get }
    /// Times sending waited for room in the window.
    var windowFullWaits: Int { get }

    /// Sends the batch `encode` builds for the next sequence number; `eventTime` (ns) is when, in event time.
    func send(_ encode: (UInt64) throws -> [UInt8], eventTime: Int64, stop: StopSignal) throws
    /// Reads acknowledgements for up to `timeout` and resends what is overdue.
    func pump(timeout: Duration) throws
    /// Waits for every batch to be acknowledged until acknowledgements have not advanced for `stallTimeout`;
    /// returns whether they all were.
    func drain(stallTimeout: Duration) throws -> Bool
}

extension AcknowledgedSender: BatchSink {
    func send(_ encode: (UInt64) throws -> [UInt8], eventTime: Int64, stop: StopSignal) throws {
        try send(encode, stop: stop)
    }
}
