import DriftHTTPSecurity
import Foundation
import ZeroMQ

/// Where the collector listens and how it keeps its state. Monitoring thresholds live in the YAML file
/// (``ConfigurationFile``); this is the process-level part, set by command-line flags.
public struct CollectorConfiguration: Sendable {
    /// ROUTER endpoint agents connect their DEALER to (acknowledged delivery).
    public var ingestEndpoint = "tcp://127.0.0.1:7701"
    /// PUB endpoint alert subscribers connect to; topics are `alert.<model>.<kind>`.
    public var alertEndpoint = "tcp://127.0.0.1:7702"
    /// Optional PULL endpoint for fire-and-forget producers (PUSH, no acknowledgements).
    public var pullEndpoint: String? = nil
    /// HTTP host for `/metrics`, `/healthz`, `/readyz` and the JSON API.
    public var httpHost = "127.0.0.1"
    /// HTTP port; 0 picks a free one (printed at start-up).
    public var httpPort = 7780
    /// SQLite file holding checkpoints; `nil` keeps no state across restarts.
    public var statePath: String? = nil
    /// How often the engine state is checkpointed, besides at shutdown.
    public var checkpointInterval: Duration = .seconds(10)
    /// How often time-driven evaluation runs (traffic stalls, `for` and `keep_firing_for` expiry).
    public var tickInterval: Duration = .milliseconds(500)
    /// Whether the engine runs on event time alone (`--clock event`): after every batch it advances to the newest
    /// event time seen, as `driftwatch backtest` does, and never to the wall clock. For replays of recorded
    /// traffic, whose event times are in the past.
    public var eventClock: Bool = false
    /// The YAML configuration file, reloaded on SIGHUP; `nil` uses the built-in defaults.
    public var configurationPath: String? = nil
    /// Send high-water mark of the alert PUB socket, in messages per subscriber.
    public var alertHighWaterMark: Int32 = 100_000
    /// Webhook URLs that receive every alert notification as a JSON POST; empty sends none.
    public var webhookURLs: [URL] = []
    /// Alertmanager base URLs (e.g. `http://127.0.0.1:9093`) that receive alerts on `/api/v2/alerts`.
    public var alertmanagerURLs: [URL] = []
    /// How often every firing alert is re-sent to Alertmanager, which resolves alerts it stops hearing about.
    public var alertmanagerResendInterval: Duration = .seconds(60)
    /// Notifications each sink may have waiting; past it the oldest are dropped and counted.
    public var deliveryQueueCapacity = 10_000
    /// Timeout of one HTTP delivery attempt.
    public var deliveryTimeout: Duration = .seconds(5)
    /// The collector's CURVE key pair: with it, the ingest ROUTER, the PULL and the alert PUB are CURVE servers
    /// and every client must present a key from ``allowedClientKeys`` (checked by a ZAP handler).
    public var curveKeyPair: CurveKeyPair? = nil
    /// Public keys of the agents and subscribers admitted when ``curveKeyPair`` is set.
    public var allowedClientKeys: [CurveKey] = []
    /// A bearer token the HTTP API requires on write endpoints (and on reads with ``apiTokenForReads``); nil leaves
    /// the API open (bind it to loopback then).
    public var apiToken: String? = nil
    /// Whether reads (and `/metrics`) need the token too; `/healthz` and `/readyz` never do.
    public var apiTokenForReads = false
    /// TLS for the HTTP server (certificate chain and key from PEM files); nil serves plain HTTP.
    public var tls: HTTPServerTLS? = nil
    /// Events per second each agent may send (a token bucket with a burst of two seconds' worth); batches beyond
    /// it are acknowledged, dropped and counted (`rate_limited`). 0 means no limit.
    public var agentEventsPerSecond: Double = 0
    /// The privacy key (`--privacy-key`, at least 32 bytes) for models whose `privacy.request_ids` is `hash`;
    /// kept out of the engine and its checkpoints.
    public var privacyKey: [UInt8]? = nil

    /// Where retraining triggers are delivered (each sink receives every trigger); empty keeps them in the outbox.
    public var triggerSinks: [TriggerSink] = []
    /// Timeout of one trigger delivery attempt (ZeroMQ acknowledgement, HTTP answer, command run).
    public var triggerTimeout: Duration = .seconds(10)
    /// Nominal wait before the first retry of a failed trigger delivery; doubles with each failure.
    public var triggerRetryInitial: Duration = .seconds(1)
    /// Cap on the nominal wait between trigger delivery attempts.
    public var triggerRetryMaximum: Duration = .seconds(60)

    /// The defaults above.
    public init() {}
}
