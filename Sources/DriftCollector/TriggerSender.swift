/// Delivers one retraining trigger to one sink, synchronously, on a delivery thread (never on the cooperative
/// pool: ZeroMQ calls, process waits and the HTTP wait block).
protocol TriggerSender: Sendable {
    /// Sends `body` (the trigger's JSON) and waits, at most the sender's timeout, for the sink's acknowledgement.
    /// - Parameters:
    ///   - trigger: the trigger's key fields.
    ///   - body: the JSON payload (docs/triggers.md).
    ///   - attempt: 1 for the first attempt.
    /// - Returns: nil when the sink acknowledged, else why not.
    func deliver(_ trigger: TriggerSummary, body: [UInt8], attempt: Int) -> String?
}

/// The fields of a trigger that senders put in headers, frames and environment variables.
struct TriggerSummary: Sendable {
    let id: String
    let model: String
    let modelVersion: String
    let reason: String
    let createdAt: Int64
    let dataStart: Int64
    let dataEnd: Int64
    let source: String
}
