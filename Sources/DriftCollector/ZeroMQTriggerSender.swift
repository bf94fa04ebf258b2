import ZeroMQ

/// Sends triggers to a training system's ROUTER over a DEALER and waits for an explicit acknowledgement
/// (docs/protocol.md, "Retraining triggers over ZeroMQ").
///
/// Each attempt uses a fresh DEALER with linger 0: the request is the three frames `trigger`, the trigger id and
/// the JSON body; the receiver answers `ack` + id (or `nack` + id + reason). Answers for other ids (a late answer to
/// an earlier attempt) are ignored. If no matching answer arrives within ``timeout`` the socket is closed,
/// discarding the request if it was never sent, and the attempt fails. Used on one delivery thread only.
///
/// With ``curve`` the DEALER is a CURVE client (RFC 26): it presents the collector's key pair and talks only to the
/// server holding the secret key of `serverKey`. A receiver with another key never completes the handshake, so the
/// request is never sent and the attempt times out like an absent receiver (the trigger stays pending).
final class ZeroMQTriggerSender: TriggerSender {
    let endpoint: String
    let timeout: Duration
    /// The receiver's public key and the collector's key pair, or nil for plain TCP.
    let curve: (serverKey: CurveKey, keyPair: CurveKeyPair)?
    private let context: ZeroMQContext

    init(
        endpoint: String,
        timeout: Duration,
        context: ZeroMQContext,
        curve: (serverKey: CurveKey, keyPair: CurveKeyPair)? = nil
    ) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.context = context
        self.curve = curve
    }

    func deliver(_ trigger: TriggerSummary, body: [UInt8], attempt: Int) -> String? {
        do {
            let socket = try ZeroMQSocket(context, type: .dealer, linger: .zero)
            defer { socket.close() }
            try socket.setReconnectInterval(.milliseconds(100), maximum: .seconds(1))
            if let curve {
                try socket.setCurveClient(serverKey: curve.serverKey, keyPair: curve.keyPair)
            }
            try socket.connect(endpoint)
            guard try socket.trySend([Array("trigger".utf8), Array(trigger.id.utf8), body]) else {
                return "the ZeroMQ send queue is full"
            }
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                let left = deadline - ContinuousClock.now
                guard let frames = try socket.receive(timeout: min(left, .milliseconds(200))) else { continue }
                let parts = frames.map { String(decoding: $0.bytes, as: UTF8.self) }
                guard parts.count >= 2, parts[1] == trigger.id else { continue }
                switch parts[0] {
                case "ack": return nil
                case "nack": return "the receiver refused it: \(parts.count > 2 ? parts[2] : "no reason given")"
                default: continue
                }
            }
            return "no acknowledgement from \(endpoint) within \(timeout)"
        } catch {
            return "ZeroMQ error: \(error)"
        }
    }
}
