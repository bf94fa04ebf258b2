import AsyncHTTPClient
import DriftAgent
import DriftHTTPSecurity
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The agent's HTTP reverse proxy: listens where clients call the model, forwards every request unchanged to the
/// model server, streams the answer back, and records one event per predicted instance into an
/// ``AgentEventSink``.
///
/// A swift-service-lifecycle `Service`: run it in the agent's `ServiceGroup`; graceful shutdown stops accepting
/// connections, lets in-flight requests finish, then closes the upstream connection pool. Read ``counters``
/// at any time for `/metrics`.
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
    private let requestIDField: HTTPField.Name
    private let onListening: @Sendable (Int) async -> Void

    /// Creates a proxy; nothing listens until ``run()``.
    /// - Parameters:
    ///   - configuration: the proxy settings (validated here).
    ///   - sink: where events go; must not block.
    ///   - logger: the logger (per-request messages are at debug level).
    ///   - onListening: called with the bound port once the proxy accepts connections (useful with port 0).
    /// - Throws: ``AgentHTTPError`` with code `invalid-configuration` when a setting is invalid.
    public init(
        configuration: ReverseProxyConfiguration,
        sink: any AgentEventSink,
        logger: Logger = Logger(label: "driftwatch.agent.proxy"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(AgentHTTPError) {
        try configuration.validate()
        guard let field = HTTPField.Name(configuration.requestIDHeader) else {
            throw .invalidConfiguration("request id header '\(configuration.requestIDHeader)' is not valid")
        }
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
        self.upstreamBase = try configuration.upstreamBase()
        self.requestIDField = field
        self.onListening = onListening
    }

    /// The proxy's counters now.
    public var counters: ProxyCountersSnapshot { liveCounters.snapshot }

    /// Serves until graceful shutdown or cancellation, then drains and closes the upstream connections.
    /// - Throws: when the listening socket cannot be bound.
    public func run() async throws {
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.redirectConfiguration = .disallow
        clientConfiguration.decompression = .disabled
        clientConfiguration.timeout = HTTPClient.Configuration.Timeout(
            connect: TimeAmount(configuration.connectTimeout),
            read: TimeAmount(configuration.upstreamReadTimeout)
        )
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit =
            configuration.maximumUpstreamConnections
        // A sidecar's upstream is local: a refused connection is reported at once (502), not retried until the
        // connect timeout.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
        let responder = ProxyResponder(
            configuration: configuration,
            upstreamBase: upstreamBase,
            requestIDField: requestIDField,
            client: client,
            sink: sink,
            counters: liveCounters,
            extractor: PayloadExtractor(configuration: configuration.extraction),
            sampler: RequestSampler(rate: configuration.samplingRate),
            logger: logger
        )
        let onListening = self.onListening
        let port = configuration.listenPort
        let application = Application(
            responder: responder,
            server: try HTTPServerTLS.server(configuration.tls),
            configuration: .init(address: .hostname(configuration.listenHost, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
        logger.info(
            "The reverse proxy is starting.",
            metadata: [
                "listen": "\(configuration.listenHost):\(port)", "upstream": "\(upstreamBase)",
                "model": "\(configuration.model)",
            ]
        )
        do {
            try await application.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
