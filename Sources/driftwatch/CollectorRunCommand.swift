import ArgumentParser
import DriftCollector
import DriftEngine
import DriftHTTPSecurity
import DriftwatchAgentCommand
import Foundation
import Logging
import ZeroMQ

/// `driftwatch collector`: runs the collector until SIGTERM or SIGINT.
struct CollectorRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Run the collector: ingest agents' events, detect drift, publish alerts, serve metrics.",
        discussion: """
            Agents connect a DEALER socket to --ingest and receive acknowledgements (docs/protocol.md). Alerts are \
            published on --alerts with topics alert.<model>.<kind> and JSON bodies; `driftwatch subscribe` prints \
            them. HTTP serves /metrics (Prometheus), /healthz, /readyz and the JSON API under /api/v1 (HTTPS with \
            --tls-certificate and --tls-key; a bearer token with --api-token-file; docs/security.md).
            With --state, the engine's windows and references are checkpointed to SQLite every \
            --checkpoint-interval seconds and at shutdown, and restored at start. SIGHUP reloads --config \
            without losing window state; an invalid file keeps the configuration in force and is logged.
            Each --webhook URL receives every alert notification's JSON body as a POST (header \
            X-Driftwatch-Topic: alert.<model>.<kind>); each --alertmanager (base URL, e.g. http://127.0.0.1:9093) \
            receives firing and resolved alerts on /api/v2/alerts, firing ones again every --alertmanager-resend \
            seconds, so its routing, grouping and silences apply. See docs/collector.md.

            Retraining triggers: models whose YAML `retrain` policy is enabled get a trigger when their alerts \
            meet it (docs/triggers.md); `driftwatch trigger MODEL --reason TEXT` creates one by hand. Each \
            trigger is written to a durable outbox (in --state; in memory without it) before it is sent, and \
            delivered at least once, with a stable trigger_id receivers deduplicate on, to every sink (each flag \
            repeatable): --trigger-zmq ENDPOINT, a ROUTER the training system binds, which must answer `ack` and \
            the id (CURVE-encrypted with --trigger-zmq-key RECEIVER.pub and --curve-secret; plain TCP beyond \
            loopback needs --insecure); --trigger-webhook URL, a JSON POST acknowledged by any 2xx answer; --trigger-exec COMMAND, \
            run with /bin/sh -c with the JSON on stdin and DRIFTWATCH_TRIGGER_ID, DRIFTWATCH_MODEL, \
            DRIFTWATCH_MODEL_VERSION, … in the environment, acknowledged by exit status 0.
            A failed attempt (no acknowledgement within --trigger-timeout) is retried with exponential backoff \
            and jitter, from --trigger-retry-initial up to --trigger-retry-max seconds, until it succeeds, across \
            restarts. `driftwatch triggers list` shows every trigger and its delivery state.
            """
    )

    @Option(name: .long, help: "YAML configuration with per-model thresholds (see docs/engine.md).")
    var config: String?

    @Option(help: "ROUTER endpoint agents connect to.")
    var ingest: String = CollectorConfiguration().ingestEndpoint

    @Option(help: "PUB endpoint alert subscribers connect to.")
    var alerts: String = CollectorConfiguration().alertEndpoint

    @Option(help: "Optional PULL endpoint for fire-and-forget producers (PUSH, no acknowledgements).")
    var pull: String?

    @Option(help: "HTTP address as HOST:PORT (port 0 picks a free one).")
    var http: String = "127.0.0.1:7780"

    @Option(help: "SQLite file for checkpoints; without it, state is not kept across restarts.")
    var state: String?

    @Option(help: "Seconds between checkpoints (with --state).")
    var checkpointInterval: Double = 10

    @Option(
        name: .customLong("webhook"),
        help: ArgumentHelp("Webhook receiving every alert notification as a JSON POST; repeatable.", valueName: "url")
    )
    var webhooks: [String] = []

    @Option(
        name: .customLong("alertmanager"),
        help: ArgumentHelp(
            "Alertmanager base URL receiving alerts on /api/v2/alerts, e.g. http://127.0.0.1:9093; repeatable.",
            valueName: "url"
        )
    )
    var alertmanagers: [String] = []

    @Option(help: ArgumentHelp("Seconds between re-sends of firing alerts to Alertmanager.", valueName: "seconds"))
    var alertmanagerResend: Double = 60

    @Option(
        name: .customLong("trigger-zmq"),
        help: ArgumentHelp(
            "ZeroMQ ROUTER endpoint of a training system receiving retraining triggers (ack protocol); repeatable.",
            valueName: "endpoint"
        )
    )
    var triggerZeroMQ: [String] = []

    @Option(
        name: .customLong("trigger-zmq-key"),
        help: ArgumentHelp(
            "The training system's CURVE public key (.pub file) for --trigger-zmq: the collector connects as a CURVE client with its --curve-secret key pair. Once for every --trigger-zmq endpoint, or once per endpoint in the same order.",
            valueName: "file"
        )
    )
    var triggerZeroMQKeys: [String] = []

    @Option(
        name: .customLong("trigger-webhook"),
        help: ArgumentHelp(
            "URL receiving every retraining trigger as a JSON POST (2xx = ack); repeatable.",
            valueName: "url"
        )
    )
    var triggerWebhooks: [String] = []

    @Option(
        name: .customLong("trigger-exec"),
        help: ArgumentHelp(
            "Command run for every retraining trigger: JSON on stdin, DRIFTWATCH_* variables, exit 0 = ack; repeatable.",
            valueName: "command"
        )
    )
    var triggerCommands: [String] = []

    @Option(help: ArgumentHelp("Seconds one trigger delivery attempt may take.", valueName: "seconds"))
    var triggerTimeout: Double = 10

    @Option(help: ArgumentHelp("Seconds before the first retry of a failed trigger delivery.", valueName: "seconds"))
    var triggerRetryInitial: Double = 1

    @Option(help: ArgumentHelp("Longest wait in seconds between trigger delivery attempts.", valueName: "seconds"))
    var triggerRetryMax: Double = 60

    @Option(
        help: ArgumentHelp(
            "The collector's CURVE key pair (a .secret file from `driftwatch keygen`, mode 0600): encrypts and authenticates the ingest, pull and alert sockets.",
            valueName: "file"
        )
    )
    var curveSecret: String?

    @Option(
        name: .customLong("allow"),
        help: ArgumentHelp(
            "Public keys admitted with --curve-secret: a .pub file or a directory of them (agents and subscribers); repeatable.",
            valueName: "path"
        )
    )
    var allowed: [String] = []

    @Option(
        help: ArgumentHelp(
            "A file holding a bearer token the HTTP API requires on write endpoints (clients set DRIFTWATCH_API_TOKEN).",
            valueName: "file"
        )
    )
    var apiTokenFile: String?

    @Flag(help: "With --api-token-file, require the token on reads and /metrics too (not on /healthz, /readyz).")
    var apiTokenForReads = false

    @Option(
        help: ArgumentHelp(
            "PEM certificate chain for HTTPS on --http (with --tls-key); the HTTP server then speaks only TLS.",
            valueName: "file"
        )
    )
    var tlsCertificate: String?

    @Option(
        help: ArgumentHelp("PEM private key of --tls-certificate (unencrypted; keep it private).", valueName: "file")
    )
    var tlsKey: String?

    @Flag(help: "Allow plain (unencrypted) TCP on non-loopback addresses without --curve-secret.")
    var insecure = false

    @Option(
        help: ArgumentHelp(
            "Events per second each agent may send (burst: two seconds' worth); excess batches are dropped and counted. 0: no limit.",
            valueName: "events"
        )
    )
    var agentRateLimit: Double = 0

    @Option(
        help: ArgumentHelp(
            "The privacy key for models whose privacy.request_ids is hash (docs/security.md): at least 32 bytes, mode 0600.",
            valueName: "file"
        )
    )
    var privacyKey: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(
        help: """
            wall: the engine advances to the wall clock every tick (production). event: it advances only to the \
            newest event time, after every batch, as driftwatch backtest does (for driftwatch replay).
            """
    )
    var clock: String = "wall"

    func validate() throws {
        guard apiTokenFile != nil || !apiTokenForReads else {
            throw ValidationError("--api-token-for-reads needs --api-token-file.")
        }
        guard agentRateLimit >= 0 else { throw ValidationError("--agent-rate-limit must be 0 or more.") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("HTTPS needs both --tls-certificate and --tls-key.")
        }
        guard triggerZeroMQKeys.isEmpty || curveSecret != nil else {
            throw ValidationError(
                "--trigger-zmq-key needs --curve-secret: the collector presents its own key pair to the receiver."
            )
        }
        guard triggerZeroMQKeys.isEmpty || !triggerZeroMQ.isEmpty else {
            throw ValidationError("--trigger-zmq-key needs --trigger-zmq.")
        }
        guard triggerZeroMQKeys.count <= 1 || triggerZeroMQKeys.count == triggerZeroMQ.count else {
            throw ValidationError(
                """
                Give --trigger-zmq-key once (for every --trigger-zmq endpoint) or once per --trigger-zmq endpoint \
                (\(triggerZeroMQ.count), in the same order); got \(triggerZeroMQKeys.count).
                """
            )
        }
        let plainTriggers = triggerZeroMQKeys.isEmpty ? triggerZeroMQ.filter { !Self.isLocal($0) } : []
        guard plainTriggers.isEmpty || insecure else {
            throw ValidationError(
                """
                --trigger-zmq \(plainTriggers.joined(separator: ", ")) would carry triggers in plain TCP beyond this \
                host. Give --trigger-zmq-key with the receiver's public key (and --curve-secret), or --insecure to \
                accept unencrypted traffic.
                """
            )
        }
        if curveSecret == nil {
            guard allowed.isEmpty else { throw ValidationError("--allow needs --curve-secret.") }
            let exposed = [ingest, alerts, pull].compactMap { $0 }.filter { !Self.isLocal($0) }
            guard exposed.isEmpty || insecure else {
                throw ValidationError(
                    """
                    \(exposed.joined(separator: ", ")) would carry plain TCP beyond this host. Give --curve-secret \
                    (with --allow for the agents' and subscribers' keys; see `driftwatch keygen`), or --insecure \
                    to accept unencrypted traffic.
                    """
                )
            }
        } else {
            guard !allowed.isEmpty else {
                throw ValidationError("--curve-secret needs --allow with the public keys of agents and subscribers.")
            }
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        guard clock == "wall" || clock == "event" else { throw ValidationError("--clock must be wall or event.") }
        guard checkpointInterval > 0 else { throw ValidationError("--checkpoint-interval must be positive.") }
        _ = try parseHTTPAddress()
        _ = try parseURLs(webhooks, flag: "--webhook")
        _ = try parseURLs(alertmanagers, flag: "--alertmanager")
        guard alertmanagerResend >= 1, alertmanagerResend <= 86_400 else {
            throw ValidationError("--alertmanager-resend must be from 1 to 86400 seconds.")
        }
        _ = try parseURLs(triggerWebhooks, flag: "--trigger-webhook")
        for endpoint in triggerZeroMQ where !endpoint.contains("://") {
            throw ValidationError(
                "--trigger-zmq must be a ZeroMQ endpoint such as tcp://127.0.0.1:7790 (got '\(endpoint)')."
            )
        }
        for command in triggerCommands where command.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--trigger-exec must not be empty.")
        }
        guard triggerTimeout > 0, triggerTimeout <= 3600 else {
            throw ValidationError("--trigger-timeout must be above 0 and at most 3600 seconds.")
        }
        guard triggerRetryInitial > 0, triggerRetryMax >= triggerRetryInitial, triggerRetryMax <= 86_400 else {
            throw ValidationError(
                "--trigger-retry-initial must be above 0 and at most --trigger-retry-max (at most 86400 seconds)."
            )
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "driftwatch.collector")
        let resolver: ConfigurationResolver
        if let config {
            do {
                resolver = try ConfigurationFile.load(path: config)
            } catch {
                throw CommandFailure("invalid configuration:\n\(error)")
            }
        } else {
            resolver = ConfigurationResolver()
        }
        var settings = CollectorConfiguration()
        settings.ingestEndpoint = ingest
        settings.alertEndpoint = alerts
        settings.pullEndpoint = pull
        (settings.httpHost, settings.httpPort) = try parseHTTPAddress()
        settings.statePath = state
        settings.eventClock = clock == "event"
        settings.checkpointInterval = .milliseconds(Int64(checkpointInterval * 1000))
        settings.configurationPath = config
        settings.webhookURLs = try parseURLs(webhooks, flag: "--webhook")
        settings.alertmanagerURLs = try parseURLs(alertmanagers, flag: "--alertmanager")
        settings.alertmanagerResendInterval = .milliseconds(Int64(alertmanagerResend * 1000))
        settings.agentEventsPerSecond = agentRateLimit
        settings.privacyKey = try privacyKey.map { try PrivacyKeyFile.load(path: $0) }
        do {
            _ = try PrivacyFilter(resolver: resolver, key: settings.privacyKey)
        } catch {
            throw CommandFailure("invalid configuration: \(error)")
        }
        if let apiTokenFile {
            do {
                settings.apiToken = try APITokenFile.load(path: apiTokenFile)
            } catch let problem as APITokenFile.Problem {
                throw CommandFailure("--api-token-file: \(problem.message)")
            }
            settings.apiTokenForReads = apiTokenForReads
        }
        if let tlsCertificate, let tlsKey {
            do {
                settings.tls = try HTTPServerTLS(certificatePath: tlsCertificate, keyPath: tlsKey)
            } catch {
                throw CommandFailure("--tls-certificate/--tls-key: \(error)")
            }
        }
        if let curveSecret {
            do {
                settings.curveKeyPair = try CurveKeyFile.loadKeyPair(path: curveSecret)
                var keys: [CurveKey] = []
                for path in allowed { keys += try CurveKeyFile.loadAllowList(path: path) }
                settings.allowedClientKeys = keys
            } catch let problem as CurveKeyFile.Problem {
                throw CommandFailure(problem.message)
            }
            logger.info(
                "CURVE on",
                metadata: [
                    "collector.key": "\(settings.curveKeyPair?.publicKey.z85 ?? "")",
                    "allowed.keys": "\(settings.allowedClientKeys.count)",
                ]
            )
        }
        let triggerKeys: [CurveKey]
        do {
            triggerKeys = try triggerZeroMQKeys.map { try CurveKeyFile.loadPublicKey(path: $0) }
        } catch let problem as CurveKeyFile.Problem {
            throw CommandFailure("--trigger-zmq-key: \(problem.message)")
        }
        settings.triggerSinks =
            triggerZeroMQ.enumerated().map { index, endpoint in
                let key = triggerKeys.count == 1 ? triggerKeys.first : triggerKeys.dropFirst(index).first
                return TriggerSink.zeroMQ(endpoint, serverKey: key)
            }
            + (try parseURLs(triggerWebhooks, flag: "--trigger-webhook")).map(TriggerSink.webhook)
            + triggerCommands.map(TriggerSink.exec)
        settings.triggerTimeout = .milliseconds(Int64(triggerTimeout * 1000))
        settings.triggerRetryInitial = .milliseconds(Int64(triggerRetryInitial * 1000))
        settings.triggerRetryMaximum = .milliseconds(Int64(triggerRetryMax * 1000))
        let collector = Collector(configuration: settings, resolver: resolver, logger: logger)
        let host = settings.httpHost
        try await collector.run { port in
            logger.info("HTTP listening", metadata: ["http.address": "\(host):\(port)"])
        }
    }

    /// Whether a ZeroMQ endpoint stays on this host: ipc, inproc, or tcp on a loopback address.
    static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        var host = String(endpoint.dropFirst(6))
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        return host.hasPrefix("127.") || host == "localhost" || host == "[::1]" || host == "::1"
    }

    private func parseURLs(_ texts: [String], flag: String) throws -> [URL] {
        try texts.map { text in
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme),
                url.host?.isEmpty == false
            else {
                throw ValidationError(
                    "\(flag) must be an http or https URL, e.g. http://127.0.0.1:9093 (got '\(text)')."
                )
            }
            return url
        }
    }

    private func parseHTTPAddress() throws -> (String, Int) {
        guard let colon = http.lastIndex(of: ":"), let port = Int(http[http.index(after: colon)...]),
            (0...65535).contains(port), colon != http.startIndex
        else {
            throw ValidationError("--http must be HOST:PORT, e.g. 127.0.0.1:7780 (got '\(http)').")
        }
        return (String(http[..<colon]), port)
    }
}
