import DriftReplay

/// Writes a simulation's batches to a capture file (docs/capture.md) instead of sending them: each record's
/// arrival time is the event time at which the batch was sent, so `driftwatch replay` paces it like the
/// simulation and `driftwatch backtest` reads it like traffic a recorder captured. Every batch counts as
/// acknowledged.
final class CaptureSink: BatchSink {
    let capacity = Int.max
    private(set) var batchesSent = 0
    private(set) var acknowledged: UInt64 = 0
    let unacknowledged = 0
    let resends = 0
    let windowFullWaits = 0
    private let writer: CaptureWriter
    private var nextSequence: UInt64 = 1

    /// Creates (or replaces) the capture file at `path`.
    init(path: String) {
        writer = CaptureWriter(path: path)
    }

    func send(_ encode: (UInt64) throws -> [UInt8], eventTime: Int64, stop: StopSignal) throws {
        let bytes = try encode(nextSequence)
        try writer.write(CaptureRecord(arrivalTime: eventTime, message: bytes))
        acknowledged = nextSequence
        nextSequence += 1
        batchesSent += 1
    }

    func pump(timeout: Duration) throws {}

    func drain(stallTimeout: Duration) throws -> Bool {
        writer.close()
        return true
    }
}
