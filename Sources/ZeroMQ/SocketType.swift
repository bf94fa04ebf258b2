import CZeroMQ

/// The ZeroMQ socket patterns driftwatch uses.
public enum SocketType: Sendable, Hashable, CaseIterable {
    /// Sends to connected PULL peers, round-robin, blocking or failing when all are at their high-water mark.
    case push
    /// Receives fair-queued from connected PUSH peers.
    case pull
    /// Publishes to subscribers whose topic prefix matches the first frame; drops at the high-water mark.
    case pub
    /// Receives the messages of publishers that match its subscriptions.
    case sub
    /// A PUB that also receives subscription messages from its subscribers.
    case xpub
    /// Asynchronous request socket, the client side of ROUTER.
    case dealer
    /// Addresses peers by routing id; the first frame of every message is the peer's id.
    case router
    /// Strict send-then-receive client.
    case req
    /// Strict receive-then-send server.
    case rep

    var rawValue: Int32 {
        switch self {
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .xpub: ZMQ_XPUB
        case .dealer: ZMQ_DEALER
        case .router: ZMQ_ROUTER
        case .req: ZMQ_REQ
        case .rep: ZMQ_REP
        }
    }
}

/// Flags for sending and receiving.
public struct MessageOptions: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Return at once with ``ZeroMQError/isWouldBlock`` instead of waiting.
    public static let dontWait = MessageOptions(rawValue: ZMQ_DONTWAIT)
}
