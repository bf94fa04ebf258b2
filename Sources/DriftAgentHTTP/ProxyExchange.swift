import NIOCore
import NIOHTTP1

/// The state of one request/response exchange on a client connection of the relay: who it is (request id, start
/// times), what has been captured for extraction, and how far each direction has got.
///
/// A value owned by the connection's ``ProxyServerHandler`` and only touched on its event loop.
struct ProxyExchange {
    /// The request id (from the request's header, or a generated lower-case UUID).
    var requestID: String
    /// Wall-clock start, nanoseconds since the Unix epoch (the events' timestamp).
    var timestamp: Int64
    /// Monotonic start, for the latency and the response-head deadline.
    var start: NIODeadline
    /// Whether events are recorded for this exchange (method recorded and id sampled).
    var recorded: Bool
    /// A capped copy of the request body, when recorded.
    var requestCapture: BodyCapture?
    /// A capped copy of the response body, when recorded.
    var responseCapture: BodyCapture?
    /// The client's HTTP version (the response is written in it).
    var clientVersion: HTTPVersion
    /// Whether the client connection stays open after this exchange.
    var clientKeepAlive: Bool
    /// Whether the client has sent the request's end.
    var requestComplete = false
    /// Whether the request's end has been written to the upstream connection.
    var requestEndSent = false
    /// The upstream's status once its response head arrived.
    var status: Int?
    /// Whether the upstream connection may carry another request after this response.
    var upstreamKeepAlive = true
    /// Whether a response head (the upstream's or an error answer) has been written to the client.
    var responseHeadSent = false
    /// Whether the exchange's response is over (complete or failed); later request body parts are discarded.
    var responseFinished = false
    /// Whether every upstream connection was in use: the request is read (and captured) to its end, then answered
    /// 503.
    var refused = false
    /// When the upstream last sent part of the response, for the read timeout.
    var lastUpstreamRead: NIODeadline

    /// Creates the state of an exchange whose request head just arrived.
    init(requestID: String, recorded: Bool, captureLimit: Int, clientVersion: HTTPVersion, clientKeepAlive: Bool) {
        self.requestID = requestID
        self.timestamp = ProxyRecorder.wallClockNanoseconds()
        self.start = .now()
        self.lastUpstreamRead = start
        self.recorded = recorded
        self.requestCapture = recorded ? BodyCapture(limit: captureLimit) : nil
        self.responseCapture = recorded ? BodyCapture(limit: captureLimit) : nil
        self.clientVersion = clientVersion
        self.clientKeepAlive = clientKeepAlive
    }

    /// The time since the request head arrived.
    var elapsed: Duration { .nanoseconds((NIODeadline.now() - start).nanoseconds) }
}
