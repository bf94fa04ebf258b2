import DriftAgent
import DriftHTTPSecurity
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The agent's HTTP reverse proxy: listens where clients call the model, forwards every request unchanged to the
/// model server, streams the answer back, and records one event per predicted instance into an
/// ``AgentEventSink``.
///
/// A relay on SwiftNIO's singleton event loops: each client connection gets its own upstream HTTP/1.1 connection
/// opened on the same event loop, kept alive between requests, so a request is read, forwarded, answered and
/// recorded without leaving that loop (``ProxyServerHandler``). ``ReverseProxyConfiguration/maximumUpstreamConnections``
/// caps the upstream connections open at once: a request that needs a new one beyond the cap is answered
/// `503 Service Unavailable` once its body has been read (so the cap should be at least the number of client
/// connections).
///
/// A swift-service-lifecycle `Service`: run it in the agent's `ServiceGroup`; graceful shutdown stops accepting
/// connections, lets in-flight exchanges finish (for up to the upstream timeout), then closes the connections that
/// remain. Read ``counters`` at any time for `/metrics`.
///
/// ```swift
/// let proxy = try ReverseProxy(configuration: configuration, sink: recorder, logger: logger)
/// let group = ServiceGroup(services: [recorder, proxy], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public struct ReverseProxy: Service {
    /// The settings in force.
    public let configuration: ReverseProxyConfiguration
    private let sink: any AgentEventSink
    private let logger: Logger
    private let liveCounters = ProxyCounters()
    private let upstreamBase: String
    private let onListening: @Sendable (Int) async -> Void

    /// Creates a proxy; nothing listens until ``run()``.
    /// - Parameters:
    ///   - configuration: the proxy settings (validated here).
    ///   - sink: where events go; must not block (it is called on the event loops).
    ///   - logger: the logger (per-request messages are at debug level, on failures only).
    ///   - onListening: called with the bound port once the proxy accepts connections (useful with port 0).
    /// - Throws: ``AgentHTTPError`` with code `invalid-configuration` when a setting is invalid.
    public init(
        configuration: ReverseProxyConfiguration,
        sink: any AgentEventSink,
        logger: Logger = Logger(label: "driftwatch.agent.proxy"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(AgentHTTPError) {
        try configuration.validate()
        let base = try configuration.upstreamBase()
        _ = try UpstreamTarget(base: base)
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
        self.upstreamBase = base
        self.onListening = onListening
    }

    /// The proxy's counters now.
    public var counters: ProxyCountersSnapshot { liveCounters.snapshot }

    /// Serves until graceful shutdown or cancellation, then drains and closes the connections.
    /// - Throws: when the listening socket cannot be bound or a TLS context cannot be built.
    public func run() async throws {
        let relay = try ProxyRelay(
            configuration: configuration,
            upstreamBase: upstreamBase,
            sink: sink,
            counters: liveCounters,
            logger: logger
        )
        let connections = HTTPConnectionTracker()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    connections.add(channel)
                    let operations = channel.pipeline.syncOperations
                    if let tls = relay.serverTLS {
                        try operations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    // Response heads are NIO-parsed upstream heads or built here: no second header validation.
                    try operations.configureHTTPServerPipeline(
                        // Pipelined requests are queued by ProxyServerHandler itself: NIO's pipelining handler
                        // stops reading during every response, two epoll_ctl calls per request.
                        withPipeliningAssistance: false,
                        withErrorHandling: true,
                        withOutboundHeaderValidation: false
                    )
                    try operations.addHandler(ProxyServerHandler(relay: relay))
                }
            }
        let server = try await bootstrap.bind(host: configuration.listenHost, port: configuration.listenPort).get()
        let port = server.localAddress?.port ?? configuration.listenPort
        logger.info(
            "The reverse proxy is starting.",
            metadata: [
                "listen": "\(configuration.listenHost):\(port)", "upstream": "\(upstreamBase)",
                "model": "\(configuration.model)",
            ]
        )
        await onListening(port)
        try? await withTaskCancellationOrGracefulShutdownHandler {
            try await server.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            server.close(promise: nil)
        }
        if !Task.isCancelled {
            connections.quiesceAll()
            if await !connections.waitUntilClosed(within: configuration.upstreamTimeout) {
                logger.warning(
                    "The reverse proxy closed connections whose exchanges had not finished.",
                    metadata: ["connections": "\(connections.count)"]
                )
            }
        }
        connections.closeAll()
        _ = await connections.waitUntilClosed(within: .seconds(2))
    }
}
