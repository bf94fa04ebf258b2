import ArgumentParser
import DriftAgent
import DriftAgentHTTP
import DriftHTTPSecurity
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import ZeroMQ

/// `driftwatch agent`: the sidecar beside one model process.
public struct AgentCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the sidecar agent beside a model: capture its traffic and deliver events to the collector.",
        discussion: """
            Capture modes (any combination):
              --listen/--upstream   HTTP reverse proxy in front of the model server: requests and responses are \
            forwarded unchanged; latency, outcome, features and predictions are recorded (KServe V1, Open Inference \
            V2, MLflow, or --input-path/--output-path).
              --udp, --unix, --zmq  JSON lines sent by the model itself, fire-and-forget (schema in docs/agent.md; \
            examples/driftwatch_client.py is a standard-library Python client).
            Delayed labels: POST /labels on --http (with --api-token-file, only with that bearer token; HTTPS with \
            --tls-certificate and --tls-key), or \
            {"type":"label",…} lines on the local listeners.
            Delivery: events are batched (--batch-size, --flush-interval), written to the spool (--spool-dir) and \
            sent to --collector over ZeroMQ with acknowledgements; unacknowledged batches are resent, kept across \
            collector outages and agent restarts, and dropped only when the spool is full (counted in /metrics). \
            The model is never blocked: a full in-memory queue drops and counts too.
            Resource sampling: --pid N, or a command after `--` that the agent starts and supervises \
            (`driftwatch agent … -- python serve.py`): CPU %, RSS, threads and open fds ride on each event as \
            custom metrics. SIGTERM or SIGINT drains and stops (and stops the child). See docs/agent.md.
            """
    )

    /// Creates the command with every option at its default (ArgumentParser fills them in).
    public init() {}

    @Option(help: "The collector's ingest endpoint (ZeroMQ), e.g. tcp://collector:7701.")
    var collector: String?

    @Option(help: "A shard list (docs/sharding.md) instead of --collector: each model goes to the shard that owns it.")
    var shards: String?

    @Option(help: "The model name put on events that do not name one.")
    var model: String

    @Option(help: "The model version put on events that do not name one.")
    var modelVersion: String = ""

    @Option(help: "Reverse proxy: HOST:PORT to listen on for the model's clients (needs --upstream).")
    var listen: String?

    @Option(help: "Reverse proxy: the model server's base URL, e.g. http://127.0.0.1:9000.")
    var upstream: String?

    @Option(help: "Reverse proxy: body convention: auto, kserve-v1, oip-v2 or mlflow.")
    var format: String = PayloadFormat.auto.rawValue

    @Option(help: "Reverse proxy: comma-separated names of positional features (default f0,f1,…).")
    var featureNames: String?

    @Option(help: "Reverse proxy: comma-separated class names of probability outputs (default 0,1,…).")
    var classNames: String?

    @Option(help: "Reverse proxy: JSON path of the instances in request bodies, e.g. data.rows[*].")
    var inputPath: String?

    @Option(help: "Reverse proxy: JSON path of the predictions in response bodies, e.g. result.scores[*].")
    var outputPath: String?

    @Option(help: "Reverse proxy: the request id header (generated when absent and echoed back).")
    var requestIDHeader: String = "X-Request-ID"

    @Option(help: "Reverse proxy: fraction of requests recorded, 0 to 1 (all are forwarded).")
    var sampleRate: Double = 1

    @Option(help: "Reverse proxy: seconds to wait for the model's answer before answering 504.")
    var upstreamTimeout: Double = 30

    @Option(
        help: """
            Reverse proxy: the most connections to the model open at once. Each client connection keeps its own \
            (as if the client called the model directly); a request that needs one more is answered 503.
            """
    )
    var maxUpstreamConnections: Int = 512

    @Option(
        help: """
            Reverse proxy: seconds an idle connection to the model may wait and still carry the next request; \
            keep it below the model server's keep-alive timeout (gunicorn: 2, uvicorn: 5).
            """
    )
    var upstreamIdleTimeout: Double = 1

    @Option(help: "JSON lines over UDP on a loopback HOST:PORT (port 0 picks one).")
    var udp: String?

    @Option(help: "JSON lines over a Unix datagram socket at this path.")
    var unix: String?

    @Option(help: "JSON lines over a ZeroMQ PULL socket bound here, e.g. ipc:///run/driftwatch/agent.ipc.")
    var zmq: String?

    @Option(help: "HOST:PORT of the agent's own /metrics, /healthz and POST /labels (port 0 picks one).")
    var http: String = "127.0.0.1:9465"

    @Option(help: "The spool directory: batches wait here until acknowledged (survives restarts).")
    var spoolDir: String = "driftwatch-agent-spool"

    @Option(help: "The spool's bound in MiB; beyond it new events are dropped and counted.")
    var spoolMaxMB: Int = 256

    @Option(help: "The agent id for a new spool (default: host name and a random suffix).")
    var agentID: String?

    @Option(help: "Events per batch.")
    var batchSize: Int = 512

    @Option(help: "Milliseconds a batch stays open before it is sent.")
    var flushInterval: Int = 100

    @Option(help: "Events and labels the in-memory queue holds; beyond it new ones are dropped and counted.")
    var queueCapacity: Int = 100_000

    @Option(help: "Sample the resources of this process id (CPU %, RSS, threads, open fds).")
    var pid: Int32?

    @Option(help: "Seconds between resource samples.")
    var sampleInterval: Double = 5

    @Option(
        help: ArgumentHelp(
            "This agent's CURVE key pair (.secret, mode 0600) for a collector with CURVE.",
            valueName: "file"
        )
    )
    var curveSecret: String?

    @Option(
        help: ArgumentHelp(
            "The collector's public key (.pub) for CURVE; needs --curve-secret. With --shards, for the shards whose entry gives no curve_public_key or curve_key_file.",
            valueName: "file"
        )
    )
    var collectorKey: String?

    @Option(
        help: ArgumentHelp(
            "A file holding a bearer token (at least 16 characters) that POST /labels on --http requires (Authorization: Bearer TOKEN).",
            valueName: "file"
        )
    )
    var apiTokenFile: String?

    @Flag(help: "With --api-token-file, require the token on /metrics too (never on /healthz).")
    var apiTokenForReads = false

    @Option(
        help: ArgumentHelp(
            "PEM certificate chain for HTTPS on --http (with --tls-key); the admin server then speaks only TLS.",
            valueName: "file"
        )
    )
    var tlsCertificate: String?

    @Option(
        help: ArgumentHelp("PEM private key of --tls-certificate (unencrypted; keep it private).", valueName: "file")
    )
    var tlsKey: String?

    @Flag(help: "Serve the --listen proxy over HTTPS too, with --tls-certificate and --tls-key.")
    var proxyTLS = false

    @Option(
        help: ArgumentHelp(
            "For an https:// --upstream: trust only the CA certificates in this PEM file (a private CA, or the model "
                + "server's self-signed certificate) instead of the system's trust store.",
            valueName: "file"
        )
    )
    var upstreamCAFile: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Argument(
        parsing: .postTerminator,
        help: "A model command to start and supervise (after --); its resources are sampled."
    )
    var command: [String] = []

    public func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        guard (collector == nil) != (shards == nil) else {
            throw ValidationError("Give the collector: --collector ENDPOINT, or --shards FILE for sharded collectors.")
        }
        guard apiTokenFile != nil || !apiTokenForReads else {
            throw ValidationError("--api-token-for-reads needs --api-token-file.")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("HTTPS needs both --tls-certificate and --tls-key.")
        }
        guard !proxyTLS || (tlsCertificate != nil && listen != nil) else {
            throw ValidationError("--proxy-tls needs --listen and --tls-certificate with --tls-key.")
        }
        guard upstreamCAFile == nil || upstream != nil else {
            throw ValidationError("--upstream-ca-file needs --upstream.")
        }
        guard collectorKey == nil || curveSecret != nil else {
            throw ValidationError("--collector-key needs --curve-secret (this agent's keys).")
        }
        guard curveSecret == nil || collectorKey != nil || shards != nil else {
            throw ValidationError(
                "CURVE needs --collector-key with --curve-secret (or a --shards list giving each shard's key)."
            )
        }
        guard (listen == nil) == (upstream == nil) else {
            throw ValidationError("--listen and --upstream go together: the proxy needs both.")
        }
        guard listen != nil || udp != nil || unix != nil || zmq != nil else {
            throw ValidationError(
                "Nothing to capture: give --listen/--upstream (HTTP proxy) and/or --udp, --unix or --zmq (JSON lines)."
            )
        }
        guard PayloadFormat(rawValue: format) != nil else {
            throw ValidationError(
                "--format must be one of \(PayloadFormat.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        guard (0...1).contains(sampleRate) else { throw ValidationError("--sample-rate must be from 0 to 1.") }
        guard upstreamTimeout > 0 else { throw ValidationError("--upstream-timeout must be positive.") }
        guard upstreamIdleTimeout > 0 else { throw ValidationError("--upstream-idle-timeout must be positive.") }
        guard maxUpstreamConnections >= 1 else {
            throw ValidationError("--max-upstream-connections must be at least 1.")
        }
        guard spoolMaxMB >= 1 else { throw ValidationError("--spool-max-mb must be at least 1.") }
        guard flushInterval >= 1 else { throw ValidationError("--flush-interval must be at least 1 ms.") }
        guard sampleInterval > 0 else { throw ValidationError("--sample-interval must be positive.") }
        guard pid == nil || command.isEmpty else {
            throw ValidationError("Give either --pid or a command after --, not both.")
        }
        _ = try Self.hostPort(http, flag: "--http")
        if let listen { _ = try Self.hostPort(listen, flag: "--listen") }
        if let udp { _ = try Self.hostPort(udp, flag: "--udp") }
    }

    public func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "driftwatch.agent")
        if listen != nil { Self.raiseOpenFileLimit(needed: 2 * maxUpstreamConnections + 64, logger: logger) }

        let apiToken: String?
        do {
            apiToken = try apiTokenFile.map { try APITokenFile.load(path: $0) }
        } catch let problem as APITokenFile.Problem {
            throw CommandFailure("--api-token-file: \(problem.message)")
        }
        var tls: HTTPServerTLS?
        if let tlsCertificate, let tlsKey {
            do {
                tls = try HTTPServerTLS(certificatePath: tlsCertificate, keyPath: tlsKey)
            } catch {
                throw CommandFailure("--tls-certificate/--tls-key: \(error)")
            }
        }
        var settings = AgentConfiguration(collectorEndpoint: collector ?? "", spoolDirectory: spoolDir)
        settings.agentID = agentID
        settings.spoolMaxBytes = spoolMaxMB * 1024 * 1024
        settings.batchMaxEvents = batchSize
        settings.flushInterval = .milliseconds(flushInterval)
        settings.queueCapacity = queueCapacity
        if let curveSecret, let collectorKey {
            settings.curve = try CurveClientKeys.load(secret: curveSecret, server: collectorKey)
        }
        let agents: [MonitoringAgent]
        let router: any AgentEventSink
        do {
            if let shards {
                let map = try ShardsFile.load(path: shards)
                let curveByShard = try ShardsFile.curveClientKeys(
                    of: map,
                    listedAt: shards,
                    keyPair: try curveSecret.map(CurveClientKeys.loadKeyPair),
                    fallback: settings.curve?.serverKey
                )
                let sharded = try ShardedAgent(
                    map: map,
                    configuration: settings,
                    curveByShard: curveByShard ?? [:],
                    logger: logger
                )
                agents = sharded.agents
                router = sharded
            } else {
                let agent = try MonitoringAgent(configuration: settings, logger: logger)
                agents = [agent]
                router = agent
            }
        } catch let error as AgentError {
            throw CommandFailure("cannot start the agent: \(error.message)")
        }
        for agent in agents {
            logger.info(
                "Agent delivering",
                metadata: [
                    "agent.id": "\(agent.agentID)", "collector": "\(agent.configuration.collectorEndpoint)",
                    "spool": "\(agent.configuration.spoolDirectory ?? "memory")",
                ]
            )
        }

        let child = try startChild(logger: logger)
        let sampler = (child.map { $0.pid } ?? pid).map { ResourceSampler(pid: $0) }
        let sink: any AgentEventSink = sampler.map { ResourceEnrichedSink(base: router, sampler: $0) } ?? router

        let decoder = JSONLineDecoder(defaultModel: model, defaultVersion: modelVersion)
        let lineIngest = LineIngest(decoder: decoder, sink: sink)
        var datagramListeners: [DatagramListener] = []
        var zeroMQListener: ZeroMQLineListener?
        let context = try ZeroMQContext()
        do {
            if let udp {
                let (host, port) = try Self.hostPort(udp, flag: "--udp")
                datagramListeners.append(
                    try DatagramListener(address: .udp(host: host, port: UInt16(port)), ingest: lineIngest)
                )
            }
            if let unix {
                datagramListeners.append(try DatagramListener(address: .unix(path: unix), ingest: lineIngest))
            }
            if let zmq {
                zeroMQListener = try ZeroMQLineListener(endpoint: zmq, context: context, ingest: lineIngest)
            }
        } catch {
            for agent in agents { agent.shutdown() }
            throw CommandFailure("cannot listen: \((error as? AgentError)?.message ?? "\(error)")")
        }
        for listener in datagramListeners {
            logger.info("JSON lines listening", metadata: ["ingest.address": "\(listener.boundAddress)"])
        }
        if let zeroMQListener {
            logger.info("JSON lines listening", metadata: ["ingest.zmq": "\(zeroMQListener.boundEndpoint)"])
        }

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var proxyCounters: (@Sendable () -> ProxyCountersSnapshot)?
        if let listen, let upstream {
            let (host, port) = try Self.hostPort(listen, flag: "--listen")
            var proxySettings = ReverseProxyConfiguration(
                upstream: upstream,
                model: model,
                modelVersion: modelVersion,
                listenHost: host,
                listenPort: port,
                requestIDHeader: requestIDHeader,
                samplingRate: sampleRate,
                upstreamTimeout: .milliseconds(Int64(upstreamTimeout * 1000)),
                upstreamIdleTimeout: .milliseconds(Int64(upstreamIdleTimeout * 1000)),
                maximumUpstreamConnections: maxUpstreamConnections
            )
            proxySettings.extraction = try extractionSettings()
            proxySettings.tls = proxyTLS ? tls : nil
            proxySettings.upstreamCAFile = upstreamCAFile
            let proxy: ReverseProxy
            do {
                proxy = try ReverseProxy(configuration: proxySettings, sink: sink, logger: logger) { bound in
                    logger.info("Proxy listening", metadata: ["proxy.address": "\(host):\(bound)"])
                }
            } catch {
                throw CommandFailure("invalid proxy settings: \(error)")
            }
            proxyCounters = { proxy.counters }
            services.append(.init(service: proxy))
        }
        let metrics = AgentMetrics(
            sources: .init(agents: agents, lineIngest: lineIngest, sampler: sampler, proxy: proxyCounters)
        )
        let (adminHost, adminPort) = try Self.hostPort(http, flag: "--http")
        let admin = AgentAdminServer(
            metrics: metrics,
            labels: decoder,
            agentsSink: router,
            host: adminHost,
            port: adminPort,
            logger: logger,
            apiToken: apiToken,
            apiTokenForReads: apiTokenForReads,
            tls: tls
        ) { bound in
            logger.info("HTTP listening", metadata: ["http.address": "\(adminHost):\(bound)"])
        }
        services.append(.init(service: admin))
        if let sampler {
            services.append(.init(service: SamplingService(sampler: sampler, interval: sampleInterval)))
        }
        if let child {
            services.append(
                .init(
                    service: ChildSupervisor(process: child, logger: logger),
                    successTerminationBehavior: .gracefullyShutdownGroup
                )
            )
        }

        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        var failure: (any Error)?
        do {
            try await group.run()
        } catch {
            failure = error
        }
        for listener in datagramListeners { listener.stop() }
        zeroMQListener?.stop()
        for agent in agents { agent.shutdown() }
        logger.info(
            "Agent stopped",
            metadata: [
                "events.acknowledged": "\(agents.reduce(0) { $0 + $1.statistics.eventsDelivered })",
                "spool.pending_events": "\(agents.reduce(0) { $0 + $1.statistics.pendingEvents })",
            ]
        )
        if let failure { throw CommandFailure("agent stopped: \(failure)") }
        if let child, let status = child.exitStatus(), status != 0 {
            throw ExitCode(status)
        }
    }

    private func extractionSettings() throws -> PayloadExtractor.Configuration {
        func names(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        do {
            return PayloadExtractor.Configuration(
                format: PayloadFormat(rawValue: format) ?? .auto,
                featureNames: names(featureNames),
                classNames: names(classNames),
                inputPath: try inputPath.map { try JSONPath(parsing: $0) },
                outputPath: try outputPath.map { try JSONPath(parsing: $0) }
            )
        } catch {
            throw ValidationError("invalid JSON path: \(error)")
        }
    }

    private func startChild(logger: Logger) throws -> ModelProcess? {
        guard !command.isEmpty else { return nil }
        let process = try ModelProcess(arguments: command)
        logger.info("Model process started", metadata: ["pid": "\(process.pid)", "command": "\(command[0])"])
        return process
    }

    /// Raises the soft limit on open files towards the hard one when the proxy may need more descriptors than it
    /// allows (a client and an upstream connection each), as nginx's `worker_rlimit_nofile` does; 1,024 is a common
    /// soft limit. Logs when even the hard limit is lower than needed.
    static func raiseOpenFileLimit(needed: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(needed) else { return }
        let wanted = limit.rlim_max == rlim_t.max ? rlim_t(needed) : min(rlim_t(needed), limit.rlim_max)
        var raised = limit
        raised.rlim_cur = max(limit.rlim_cur, wanted)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) != 0 || raised.rlim_cur < rlim_t(needed) {
            logger.warning(
                "The open-file limit is lower than the proxy's connection cap needs: raise the hard limit (ulimit -Hn) or lower --max-upstream-connections.",
                metadata: ["limit": "\(raised.rlim_cur)", "needed": "\(needed)"]
            )
        }
    }

    static func hostPort(_ text: String, flag: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else {
            throw ValidationError("\(flag) must be HOST:PORT, e.g. 127.0.0.1:9465 (got '\(text)').")
        }
        return (String(text[..<colon]), port)
    }
}

/// Adds the model process's latest resource sample to every event as custom metrics.
struct ResourceEnrichedSink: AgentEventSink {
    let base: any AgentEventSink
    let sampler: ResourceSampler

    func record(_ event: AgentEvent) -> Bool {
        guard let sample = sampler.latest else { return base.record(event) }
        var enriched = event
        enriched.customMetrics.merge(sample.metrics) { own, _ in own }
        return base.record(enriched)
    }

    func record(_ label: AgentLabel) -> Bool { base.record(label) }
}

/// Samples the model process every `interval` seconds until shutdown.
struct SamplingService: Service {
    let sampler: ResourceSampler
    let interval: Double

    func run() async throws {
        sampler.sample()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
            sampler.sample()
        }
    }
}

/// Supervises the model process started after `--`: the agent stops when it exits, and it gets SIGTERM when the
/// agent is asked to stop.
struct ChildSupervisor: Service {
    let process: ModelProcess
    let logger: Logger

    func run() async throws {
        var status: Int32?
        await withGracefulShutdownHandler {
            while status == nil && !Task.isCancelled {
                status = process.exitStatus()
                if status == nil { try? await Task.sleep(for: .milliseconds(100)) }
            }
        } onGracefulShutdown: {
            process.send(SIGTERM)
        }
        while status == nil {
            status = process.exitStatus()
            if status == nil { try? await Task.sleep(for: .milliseconds(50)) }
        }
        logger.notice("Model process exited", metadata: ["status": "\(status ?? 0)"])
    }
}

extension CurveClientKeys {
    /// Loads a client's key pair, failing with a message that names the file.
    public static func loadKeyPair(secret: String) throws -> CurveKeyPair {
        do {
            return try CurveKeyFile.loadKeyPair(path: secret)
        } catch let problem as CurveKeyFile.Problem {
            throw CommandFailure(problem.message)
        }
    }

    /// Loads a client's key pair and its server's public key, failing with a message that names the file.
    public static func load(secret: String, server: String) throws -> CurveClientKeys {
        do {
            return CurveClientKeys(
                serverKey: try CurveKeyFile.loadPublicKey(path: server),
                keyPair: try CurveKeyFile.loadKeyPair(path: secret)
            )
        } catch let problem as CurveKeyFile.Problem {
            throw CommandFailure(problem.message)
        }
    }
}
