import ArgumentParser
import DriftCollector
import DriftEngine
import Foundation
import Logging

/// `driftwatch collector`: runs the collector until SIGTERM or SIGINT.
struct CollectorRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Run the collector: ingest agents' events, detect drift, publish alerts, serve metrics.",
        discussion: """
            Agents connect a DEALER socket to --ingest and receive acknowledgements (docs/protocol.md). Alerts are \
            published on --alerts with topics alert.<model>.<kind> and JSON bodies; `driftwatch subscribe` prints \
            them. HTTP serves /metrics (Prometheus), /healthz, /readyz and the JSON API under /api/v1.
            With --state, the engine's windows and references are checkpointed to SQLite every \
            --checkpoint-interval seconds and at shutdown, and restored at start. SIGHUP reloads --config \
            without losing window state; an invalid file keeps the configuration in force and is logged.
            Each --webhook URL receives every alert notification's JSON body as a POST (header \
            X-Driftwatch-Topic: alert.<model>.<kind>); each --alertmanager (base URL, e.g. http://127.0.0.1:9093) \
            receives firing and resolved alerts on /api/v2/alerts, firing ones again every --alertmanager-resend \
            seconds, so its routing, grouping and silences apply. See docs/collector.md.
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
        let collector = Collector(configuration: settings, resolver: resolver, logger: logger)
        let host = settings.httpHost
        try await collector.run { port in
            logger.info("HTTP listening", metadata: ["http.address": "\(host):\(port)"])
        }
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
