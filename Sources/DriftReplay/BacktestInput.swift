import DriftProtocol

/// One message for the backtest, in the order it is fed to the engine.
public struct BacktestInput: Sendable {
    /// What the message holds.
    public enum Payload: Sendable {
        /// One wire-protocol message as it was received (decoded and deduplicated by the backtest).
        case wire([UInt8])
        /// Events built from NDJSON or CSV rows.
        case events(EventBatch)
        /// Labels built from NDJSON or CSV rows.
        case labels(LabelBatch)
    }

    /// The ordering time (ns): the arrival time of a captured message, the first event time of a built batch.
    public var orderTime: Int64
    /// The message.
    public var payload: Payload

    /// Creates an input.
    /// - Parameters:
    ///   - orderTime: the ordering time, ns.
    ///   - payload: the message.
    public init(orderTime: Int64, payload: Payload) {
        self.orderTime = orderTime
        self.payload = payload
    }

    /// Merges the inputs of several files into one feed ordered by ``orderTime``; ties keep file order, then
    /// position in the file, so the merge is deterministic.
    /// - Parameter files: each file's inputs, in file order.
    /// - Returns: the merged feed.
    public static func merge(_ files: [[BacktestInput]]) -> [BacktestInput] {
        if files.count == 1 { return files[0] }
        var tagged: [(input: BacktestInput, file: Int, position: Int)] = []
        for (file, inputs) in files.enumerated() {
            for (position, input) in inputs.enumerated() { tagged.append((input, file, position)) }
        }
        tagged.sort {
            ($0.input.orderTime, $0.file, $0.position) < ($1.input.orderTime, $1.file, $1.position)
        }
        return tagged.map(\.input)
    }

    /// The inputs of a capture: one per record, ordered by the file.
    /// - Parameter capture: a read capture.
    public static func from(_ capture: CaptureReader) -> [BacktestInput] {
        capture.records.map { BacktestInput(orderTime: $0.arrivalTime, payload: .wire($0.message)) }
    }
}
