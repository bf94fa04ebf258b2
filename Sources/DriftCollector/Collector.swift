import DriftEngine
import Logging
import Prometheus
import ServiceLifecycle

/// The driftwatch collector: agent ingest, the engine, alert publishing, HTTP, checkpoints and reload, run as one
/// swift-service-lifecycle `ServiceGroup` that shuts down gracefully on SIGTERM and SIGINT.
///
/// Services start in dependency order and stop in reverse: reload, then HTTP, then ingest, which writes its final
/// checkpoint before it closes its sockets, then (with webhooks or Alertmanagers configured) alert delivery, which
/// delivers what ingest queued before it stops.
public struct Collector: Sendable {
    /// Process-level settings.
    public let configuration: CollectorConfiguration
    /// The monitoring configuration in force at start.
    public let resolver: ConfigurationResolver
    private let logger: Logger

    /// Creates a collector.
    /// - Parameters:
    ///   - configuration: endpoints, state file and intervals.
    ///   - resolver: the monitoring configuration (from ``ConfigurationFile/load(path:)`` or defaults).
    ///   - logger: where the collector logs; metadata carries model, endpoint and error details.
    public init(configuration: CollectorConfiguration, resolver: ConfigurationResolver, logger: Logger) {
        self.configuration = configuration
        self.resolver = resolver
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT.
    /// - Parameter onHTTPRunning: called with the HTTP port once the server listens (useful with port 0).
    /// - Throws: when a socket cannot be bound or the state store cannot be opened.
    public func run(onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        // Refuse to start, before binding anything, when a model hashes request ids without a privacy key.
        _ = try PrivacyFilter(resolver: resolver, key: configuration.privacyKey)
        let registry = PrometheusCollectorRegistry()
        let metrics = CollectorMetrics(registry: registry)
        let sinks = AlertSink.configured(in: configuration)
        let outbox =
            sinks.isEmpty
            ? nil : AlertOutbox(sinks: sinks, capacity: configuration.deliveryQueueCapacity, metrics: metrics)
        let store = try configuration.statePath.map { try CheckpointStore(path: $0) }
        let triggers = try TriggerOutbox(path: configuration.statePath)
        try triggers.resume(sinks: configuration.triggerSinks.map(\.name), now: wallClockNanoseconds())
        let core = CollectorCore(metrics: metrics, resolver: resolver, outbox: outbox, triggers: triggers)
        let address = AlertDeliveryService.CollectorAddress(
            host: configuration.httpHost,
            scheme: configuration.tls == nil ? "http" : "https"
        )
        let ingest = IngestService(
            configuration: configuration,
            resolver: resolver,
            core: core,
            store: store,
            logger: logger
        )
        var httpLogger = logger
        httpLogger[metadataKey: "component"] = "http"
        let http = try CollectorHTTPServer.makeApplication(
            core: core,
            host: configuration.httpHost,
            port: configuration.httpPort,
            logger: httpLogger,
            apiToken: configuration.apiToken,
            apiTokenForReads: configuration.apiTokenForReads,
            tls: configuration.tls,
            onRunning: { port in
                address.listening(on: port)
                await onHTTPRunning(port)
            }
        )
        let reload = ReloadService(
            path: configuration.configurationPath,
            privacyKey: configuration.privacyKey,
            core: core,
            logger: logger
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let outbox {
            var deliveryLogger = logger
            deliveryLogger[metadataKey: "component"] = "delivery"
            let delivery = AlertDeliveryService(
                outbox: outbox,
                core: core,
                client: AlertDeliveryClient(timeout: configuration.deliveryTimeout),
                resendInterval: configuration.alertmanagerResendInterval,
                address: address,
                logger: deliveryLogger
            )
            services.append(.init(service: delivery))
        }
        if !configuration.triggerSinks.isEmpty {
            var triggerLogger = logger
            triggerLogger[metadataKey: "component"] = "triggers"
            let delivery = TriggerDeliveryService(
                outbox: triggers,
                sinks: configuration.triggerSinks,
                timeout: configuration.triggerTimeout,
                backoff: TriggerBackoff(
                    initial: configuration.triggerRetryInitial,
                    maximum: configuration.triggerRetryMaximum
                ),
                metrics: metrics.triggers,
                logger: triggerLogger,
                curveKeyPair: configuration.curveKeyPair
            )
            services.append(.init(service: delivery))
        }
        services += [.init(service: ingest), .init(service: http), .init(service: reload)]
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
