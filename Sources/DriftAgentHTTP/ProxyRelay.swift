import DriftAgent
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// What every connection of the reverse proxy shares: the settings, the upstream's address, TLS contexts, the
/// counters, the recorder and the cap on open upstream connections.
///
/// Built once by ``ReverseProxy/run()`` and read from every event loop; the only mutable state is the atomic count
/// of open upstream connections and the lock-protected ``ProxyCounters``.
final class ProxyRelay: Sendable {
    let configuration: ReverseProxyConfiguration
    /// The upstream URL without a trailing slash, for messages.
    let upstreamBase: String
    let target: UpstreamTarget
    /// The upstream's socket address when its host is an IP address (no name lookup per connection).
    let upstreamAddress: SocketAddress?
    /// The request id header's name as configured.
    let requestIDHeader: String
    let counters: ProxyCounters
    let recorder: ProxyRecorder
    let sampler: RequestSampler
    let logger: Logger
    /// TLS for the listener, when configured.
    let serverTLS: NIOSSLContext?
    /// TLS towards an `https://` upstream.
    let clientTLS: NIOSSLContext?
    /// The upstream timeouts as NIO time amounts.
    let responseHeadTimeout: TimeAmount
    let readTimeout: TimeAmount
    let connectTimeout: TimeAmount
    let idleTimeout: TimeAmount
    private let openUpstreamConnections = Atomic<Int>(0)

    /// Builds the shared state.
    /// - Throws: when swift-nio-ssl cannot build a TLS context.
    init(
        configuration: ReverseProxyConfiguration,
        upstreamBase: String,
        sink: any AgentEventSink,
        counters: ProxyCounters,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.upstreamBase = upstreamBase
        let target = try UpstreamTarget(base: upstreamBase)
        self.target = target
        self.upstreamAddress = try? SocketAddress(ipAddress: target.host, port: target.port)
        self.requestIDHeader = configuration.requestIDHeader
        self.counters = counters
        self.recorder = ProxyRecorder(
            model: configuration.model,
            modelVersion: configuration.modelVersion,
            sink: sink,
            counters: counters,
            extractor: PayloadExtractor(configuration: configuration.extraction),
            logger: logger
        )
        self.sampler = RequestSampler(rate: configuration.samplingRate)
        self.logger = logger
        self.serverTLS = try configuration.tls.map { try NIOSSLContext(configuration: $0.configuration) }
        self.clientTLS = target.tls ? try NIOSSLContext(configuration: Self.upstreamTLS(configuration)) : nil
        self.responseHeadTimeout = TimeAmount(configuration.upstreamTimeout)
        self.readTimeout = TimeAmount(configuration.upstreamReadTimeout)
        self.connectTimeout = TimeAmount(configuration.connectTimeout)
        self.idleTimeout = TimeAmount(configuration.upstreamIdleTimeout)
    }

    /// TLS towards an `https://` upstream: certificate and host name verified, against the system's trust store or
    /// the configured CA file.
    static func upstreamTLS(_ configuration: ReverseProxyConfiguration) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.upstreamCAFile { tls.trustRoots = .file(file) }
        return tls
    }

    /// Counts a new request and decides whether it is recorded: its method is recorded and its id is sampled.
    /// One counter update per request.
    func admit(method: HTTPMethod, requestID: String) -> Bool {
        let methodRecorded = configuration.recordedMethods.contains(method.rawValue)
        let sampled = methodRecorded && sampler.isSampled(requestID)
        counters.update {
            $0.requestsProxied += 1
            if !methodRecorded {
                $0.notRecordedMethod += 1
            } else if !sampled {
                $0.sampledOut += 1
            }
        }
        return sampled
    }

    /// The head sent upstream: the client's method, the upstream's path prefix followed by the request's path and
    /// query, the end-to-end headers, `Host` (the client's, or the upstream's authority), the request id, and the
    /// body framing (`Transfer-Encoding: chunked` for a chunked body, `Content-Length: 0` for a POST, PUT or
    /// PATCH without a body).
    func upstreamHead(for head: HTTPRequestHead, requestID: String, idFromClient: Bool) -> HTTPRequestHead {
        var headers = HopByHopHeaders.stripped(head.headers)
        if !configuration.preserveHostHeader {
            headers.replaceOrAdd(name: "host", value: target.authority)
        } else if !headers.contains(name: "host") {
            headers.add(name: "host", value: target.authority)
        }
        if !idFromClient { headers.add(name: requestIDHeader, value: requestID) }
        if !headers.contains(name: "content-length") {
            let chunked = head.headers[canonicalForm: "transfer-encoding"].contains {
                HopByHopHeaders.equalsLowercase(String($0), "chunked")
            }
            if chunked {
                headers.add(name: "transfer-encoding", value: "chunked")
            } else if head.method == .POST || head.method == .PUT || head.method == .PATCH {
                headers.add(name: "content-length", value: "0")
            }
        }
        let uri = target.pathPrefix.isEmpty ? head.uri : target.pathPrefix + head.uri
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: uri, headers: headers)
    }

    /// The head sent to the client for an upstream response: its status, the end-to-end headers, the request id
    /// when the upstream did not echo it, and `Connection` as the client's version and keep-alive need.
    /// - Parameter keepAlive: whether the client connection stays open; set to false when an HTTP/1.0 client
    ///   cannot be told where the body ends other than by closing.
    func clientHead(
        for head: HTTPResponseHead,
        requestID: String,
        version: HTTPVersion,
        keepAlive: inout Bool
    ) -> HTTPResponseHead {
        var headers = HopByHopHeaders.stripped(head.headers)
        if !headers.contains(name: requestIDHeader) { headers.add(name: requestIDHeader, value: requestID) }
        if version.major == 1 && version.minor == 0 {
            if keepAlive && headers.contains(name: "content-length") {
                headers.add(name: "connection", value: "keep-alive")
            } else {
                keepAlive = false
            }
        } else if !keepAlive {
            headers.add(name: "connection", value: "close")
        }
        return HTTPResponseHead(version: version, status: head.status, headers: headers)
    }

    /// The plain-text answer the proxy gives itself: 502 (upstream unreachable), 503 (every upstream connection
    /// in use) or 504 (no answer in time).
    func errorAnswer(
        _ status: HTTPResponseStatus,
        requestID: String,
        version: HTTPVersion,
        keepAlive: Bool
    ) -> (HTTPResponseHead, ByteBuffer) {
        let text: String
        switch status {
        case .gatewayTimeout:
            text =
                "driftwatch agent: the upstream \(upstreamBase) did not answer within \(Self.seconds(configuration.upstreamTimeout)) s\n"
        case .serviceUnavailable:
            text =
                "driftwatch agent: all \(configuration.maximumUpstreamConnections) connections to the upstream \(upstreamBase) are in use\n"
        default:
            text = "driftwatch agent: the upstream \(upstreamBase) could not be reached\n"
        }
        let body = ByteBuffer(string: text)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.readableBytes))
        headers.add(name: requestIDHeader, value: requestID)
        if !keepAlive && !(version.major == 1 && version.minor == 0) {
            headers.add(name: "connection", value: "close")
        } else if keepAlive && version.major == 1 && version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        return (HTTPResponseHead(version: version, status: status, headers: headers), body)
    }

    /// Takes one of the ``ReverseProxyConfiguration/maximumUpstreamConnections`` slots; false when all are taken.
    func acquireUpstreamConnection() -> Bool {
        let open = openUpstreamConnections.wrappingAdd(1, ordering: .relaxed).newValue
        if open > configuration.maximumUpstreamConnections {
            openUpstreamConnections.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives back a slot taken by ``acquireUpstreamConnection()`` (when its connection closed or failed to open).
    func releaseUpstreamConnection() {
        openUpstreamConnections.wrappingSubtract(1, ordering: .relaxed)
    }

    /// The number of upstream connections open (or being opened) now.
    var upstreamConnectionsOpen: Int { openUpstreamConnections.load(ordering: .relaxed) }

    /// A duration in seconds for messages: `30`, `0.5`.
    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? String(Int64(value)) : String(value)
    }
}
