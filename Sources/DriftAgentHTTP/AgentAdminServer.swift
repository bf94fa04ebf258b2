import DriftAgent
import DriftHTTPSecurity
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The agent's own HTTP endpoints, on an address apart from the proxied model traffic so that no model path is
/// shadowed:
///
/// | route | what |
/// |---|---|
/// | `GET /healthz` | 200 with a JSON status while the delivery worker runs; 503 once it stopped |
/// | `GET /metrics` | Prometheus text (``AgentMetrics``) |
/// | `POST /labels` | delayed labels: one JSON object, an array of them, or JSON lines (docs/agent.md) |
///
/// With an API token, `POST /labels` (and with `apiTokenForReads` also `/metrics`) requires
/// `Authorization: Bearer <token>` (``BearerTokenPolicy``); `/healthz` stays open for probes. Other paths answer 404,
/// other methods 405, a body over 16 MiB 413.
///
/// Served by SwiftNIO's HTTP/1.1 server pipeline on the process's singleton event loops (the ones the reverse
/// proxy uses), with TLS from swift-nio-ssl when configured: no web framework, because a sidecar's resident memory
/// is mostly its image. A swift-service-lifecycle `Service`: graceful shutdown stops accepting connections and lets
/// the answers in flight finish.
public struct AgentAdminServer: Service {
    /// The largest request body accepted (`POST /labels`).
    static let maximumBodyBytes = 16 * 1024 * 1024

    private let routes: AgentAdminRoutes
    private let host: String
    private let port: Int
    private let tls: HTTPServerTLS?
    private let logger: Logger
    private let onRunning: @Sendable (Int) async -> Void

    /// Creates the server; nothing listens until ``run()``.
    /// - Parameters:
    ///   - metrics: the exposition (also gives the agent).
    ///   - labels: decodes label bodies; its default model applies to labels that name none.
    ///   - agentsSink: where labels go when there are several agents (the shard router); default the only agent.
    ///   - host: the address to bind.
    ///   - port: the port (0 picks one).
    ///   - logger: the server's logger.
    ///   - apiToken: a bearer token required on `POST /labels`; nil leaves the endpoints open.
    ///   - apiTokenForReads: whether `/metrics` needs the token too (`/healthz` never does).
    ///   - tls: serve HTTPS with this certificate and key; nil serves plain HTTP.
    ///   - onRunning: called with the bound port once listening.
    public init(
        metrics: AgentMetrics,
        labels: JSONLineDecoder,
        agentsSink: (any AgentEventSink)? = nil,
        host: String,
        port: Int,
        logger: Logger,
        apiToken: String? = nil,
        apiTokenForReads: Bool = false,
        tls: HTTPServerTLS? = nil,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.routes = AgentAdminRoutes(
            metrics: metrics,
            labels: labels,
            sink: agentsSink ?? metrics.sources.agents[0],
            policy: apiToken.map { BearerTokenPolicy(token: $0, protectReads: apiTokenForReads) }
        )
        self.host = host
        self.port = port
        self.tls = tls
        self.logger = logger
        self.onRunning = onRunning
    }

    /// Serves until graceful shutdown or cancellation, then closes the connections.
    /// - Throws: when the address cannot be bound or the TLS context cannot be built.
    public func run() async throws {
        let tlsContext = try tls.map { try NIOSSLContext(configuration: $0.configuration) }
        let routes = self.routes
        let connections = HTTPConnectionTracker()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    connections.add(channel)
                    let operations = channel.pipeline.syncOperations
                    if let tlsContext {
                        try operations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try operations.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                    try operations.addHandler(AgentAdminHandler(routes: routes))
                }
            }
        let server = try await bootstrap.bind(host: host, port: port).get()
        await onRunning(server.localAddress?.port ?? port)
        try? await withTaskCancellationOrGracefulShutdownHandler {
            try await server.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            server.close(promise: nil)
        }
        connections.quiesceAll()
        if await !connections.waitUntilClosed(within: .seconds(2)) {
            logger.debug("The admin server closed connections that were still busy.")
            connections.closeAll()
        }
    }
}
