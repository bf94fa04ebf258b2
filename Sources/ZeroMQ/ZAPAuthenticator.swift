/// A ZAP handler (ZeroMQ RFC 27) that admits CURVE clients whose public key is on an allow-list.
///
/// libzmq asks the handler bound at `inproc://zeromq.zap.01` of a context about every handshake on a socket of
/// that context with a ZAP domain. The authenticator owns that REP socket; its owner polls it next to its other
/// sockets and calls ``handleRequest()`` when it is readable, so no extra thread is needed. Each decision is
/// handed to `onDecision` (to count and log refusals). Bind it before the sockets it guards accept connections.
///
/// Not `Sendable`: like every socket wrapper, it belongs to the thread that created it.
public final class ZAPAuthenticator {
    /// One authentication decision.
    public struct Decision: Sendable, Equatable {
        /// Whether the client was admitted.
        public var admitted: Bool
        /// The client's CURVE public key (Z85), when the mechanism was CURVE.
        public var clientKey: String?
        /// The peer's IP address as libzmq reports it.
        public var address: String
        /// The security mechanism (`CURVE`, `NULL`, `PLAIN`).
        public var mechanism: String
    }

    /// The handler's socket, to register in a poller.
    public let socket: ZeroMQSocket
    private let allowed: Set<[UInt8]>
    private let onDecision: (Decision) -> Void

    /// Binds the handler in `context`.
    /// - Parameters:
    ///   - context: the context whose sockets it guards.
    ///   - allowedKeys: the client public keys admitted.
    ///   - onDecision: called for every decision, on the owner's thread.
    /// - Throws: ``ZeroMQError`` when the handler endpoint is taken (one handler per context).
    public init(
        context: ZeroMQContext,
        allowedKeys: [CurveKey],
        onDecision: @escaping (Decision) -> Void = { _ in }
    ) throws(ZeroMQError) {
        socket = try ZeroMQSocket(context, type: .rep, linger: .zero)
        _ = try socket.bind("inproc://zeromq.zap.01")
        allowed = Set(allowedKeys.map(\.rawBytes))
        self.onDecision = onDecision
    }

    /// Answers every request waiting (without blocking); returns how many were answered.
    @discardableResult
    public func handleRequests() throws(ZeroMQError) -> Int {
        var answered = 0
        while let frames = try socket.receive(timeout: .zero) {
            answer(frames.map(\.bytes))
            answered += 1
        }
        return answered
    }

    private func answer(_ frames: [[UInt8]]) {
        // Request: version, request id, domain, address, identity, mechanism, credentials…
        guard frames.count >= 6, frames[0] == Array("1.0".utf8) else {
            reply(requestID: frames.count > 1 ? frames[1] : [], status: "500", text: "malformed ZAP request")
            return
        }
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        let address = String(decoding: frames[3], as: UTF8.self)
        var admitted = false
        var clientKey: String?
        if mechanism == "CURVE", frames.count >= 7, frames[6].count == 32 {
            admitted = allowed.contains(frames[6])
            clientKey = CurveKey(rawBytes: frames[6])?.z85
        }
        reply(
            requestID: frames[1],
            status: admitted ? "200" : "400",
            text: admitted ? "OK" : "client key not allowed",
            userID: clientKey ?? ""
        )
        onDecision(Decision(admitted: admitted, clientKey: clientKey, address: address, mechanism: mechanism))
    }

    private func reply(requestID: [UInt8], status: String, text: String, userID: String = "") {
        let frames: [[UInt8]] = [
            Array("1.0".utf8), requestID, Array(status.utf8), Array(text.utf8), Array(userID.utf8), [],
        ]
        _ = try? socket.send(frames)
    }
}
