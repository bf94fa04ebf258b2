import DriftEngine
import DriftProtocol
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Delivers alert notifications to webhooks and Alertmanagers over HTTP, fed by the ingest thread through an
/// ``AlertOutbox``; it runs only when at least one sink is configured.
///
/// Each sink has its own worker, so a slow receiver delays only itself. A webhook receives every notification's
/// alert JSON body (docs/protocol.md, "Alert") with the header `X-Driftwatch-Topic: alert.<model>.<kind>`. An
/// Alertmanager receives firing and resolved alerts as ``AlertmanagerAlert``s on `/api/v2/alerts`, and every
/// ``resendInterval`` all firing alerts again, since Alertmanager resolves what it stops hearing about. Failures
/// are retried (``AlertDeliveryClient``), then counted and logged at warning with the URL; the collector goes on.
///
/// It is placed before ingest in the service group, so it stops after ingest: on graceful shutdown it delivers
/// what is queued (without retries, for at most ``shutdownDrainLimit``) and returns.
struct AlertDeliveryService: Service {
    /// The collector's own HTTP address, known once the server listens, for Alertmanager's `generatorURL`.
    final class CollectorAddress: Sendable {
        let host: String
        /// `https` when the HTTP server serves TLS, else `http`.
        let scheme: String
        private let port = Atomic<Int>(0)

        init(host: String, scheme: String = "http") {
            self.host = host
            self.scheme = scheme
        }

        /// Records the port the HTTP server listens on.
        func listening(on port: Int) { self.port.store(port, ordering: .releasing) }

        /// `http(s)://HOST:PORT/api/v1/alerts?model=MODEL`, or `nil` before the server listens.
        func alertsURL(model: String) -> String? {
            let port = port.load(ordering: .acquiring)
            guard port > 0 else { return nil }
            var components = URLComponents()
            components.scheme = scheme
            components.host = host.contains(":") ? "[\(host)]" : host
            components.port = port
            components.path = "/api/v1/alerts"
            components.queryItems = [URLQueryItem(name: "model", value: model)]
            return components.string
        }
    }

    /// How long a graceful shutdown waits for queued notifications to be delivered.
    static let shutdownDrainLimit: Duration = .seconds(10)
    /// A firing alert sent to Alertmanager ends this many resend intervals ahead unless re-sent (Prometheus uses 4).
    static let firingValidityResends: Int64 = 4

    let outbox: AlertOutbox
    let core: CollectorCore
    let client: AlertDeliveryClient
    let resendInterval: Duration
    let address: CollectorAddress
    let logger: Logger

    private enum Finished { case drained, drainTimedOut, other }

    func run() async {
        let hasAlertmanager = outbox.sinks.contains { if case .alertmanager = $0 { true } else { false } }
        await withTaskGroup(of: Finished.self) { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { workers in
                    for (sink, stream) in zip(outbox.sinks, outbox.streams) {
                        workers.addTask { await drain(stream, to: sink) }
                    }
                }
                return .drained
            }
            if hasAlertmanager {
                group.addTask {
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        do { try await Task.sleep(for: resendInterval) } catch { break }
                        outbox.requestResend()
                    }
                    return .other
                }
            }
            group.addTask {
                do { try await gracefulShutdown() } catch { return .other }
                outbox.finish()
                do { try await Task.sleep(for: Self.shutdownDrainLimit) } catch { return .other }
                return .drainTimedOut
            }
            while let finished = await group.next() {
                switch finished {
                case .drained:
                    group.cancelAll()
                case .drainTimedOut:
                    logger.warning("Alert deliveries still queued at shutdown were abandoned")
                    group.cancelAll()
                case .other:
                    break
                }
            }
        }
    }

    // MARK: Workers

    private func drain(_ stream: AsyncStream<AlertOutbox.Item>, to sink: AlertSink) async {
        for await item in stream {
            switch (item, sink) {
            case (.notification(let notification), .webhook(let url)):
                await deliverWebhook(notification, to: url)
            case (.notification(let notification), .alertmanager):
                let alerts = alertmanagerAlerts(for: notification)
                if !alerts.isEmpty { await deliverAlertmanager(alerts, to: sink, resend: false) }
            case (.resendFiring, .alertmanager):
                let firing = core.current.alerts.values.filter { $0.state == .firing }.sorted { $0.id < $1.id }
                if !firing.isEmpty {
                    let now = wallClockNanoseconds()
                    await deliverAlertmanager(firing.map { mapped($0, now: now) }, to: sink, resend: true)
                }
            case (.resendFiring, .webhook):
                break
            }
        }
    }

    private func deliverWebhook(_ notification: AlertNotification, to url: URL) async {
        let alert = notification.alert
        let body: [UInt8]
        do {
            body = try JSONBody.encode(alert)
        } catch {
            logger.error("Could not encode an alert for a webhook", metadata: ["alert.id": "\(alert.id)"])
            return
        }
        let outcome = await client.post(
            Data(body),
            to: url,
            headers: [
                "X-Driftwatch-Topic": AlertTopic.topic(model: alert.model, kind: alert.kind),
                "X-Driftwatch-Change": notification.change.rawValue,
            ],
            mayRetry: { [outbox] in !outbox.isFinished }
        )
        record(outcome, counters: core.metrics.webhookDeliveries, url: url, metadata: ["alert.id": "\(alert.id)"])
    }

    private func deliverAlertmanager(_ alerts: [AlertmanagerAlert], to sink: AlertSink, resend: Bool) async {
        let body: Data
        do {
            body = try JSONEncoder().encode(alerts)
        } catch {
            logger.error("Could not encode alerts for Alertmanager", metadata: ["error": "\(error)"])
            return
        }
        let outcome = await client.post(body, to: sink.endpoint, mayRetry: { [outbox] in !outbox.isFinished })
        record(
            outcome,
            counters: core.metrics.alertmanagerDeliveries,
            url: sink.endpoint,
            metadata: ["alerts": "\(alerts.count)", "resend": "\(resend)"]
        )
    }

    private func record(
        _ outcome: AlertDeliveryClient.Outcome,
        counters: CollectorMetrics.DeliveryCounters,
        url: URL,
        metadata: Logger.Metadata
    ) {
        switch outcome {
        case .delivered(let attempts):
            counters.successes.increment()
            var metadata = metadata
            metadata["url"] = "\(url.absoluteString)"
            metadata["attempts"] = "\(attempts)"
            logger.debug("Alert delivered", metadata: metadata)
        case .failed(let reason, let attempts):
            counters.failures.increment()
            var metadata = metadata
            metadata["url"] = "\(url.absoluteString)"
            metadata["attempts"] = "\(attempts)"
            metadata["error"] = "\(reason)"
            logger.warning("Alert delivery failed", metadata: metadata)
        }
    }

    // MARK: Alertmanager mapping

    /// What a notification means to Alertmanager: firing and repeats re-state the alert, a resolution ends it, a
    /// severity change also ends the alert under its previous severity label; pending and cancelled alerts are
    /// not Alertmanager's business (Prometheus does not send them either).
    private func alertmanagerAlerts(for notification: AlertNotification) -> [AlertmanagerAlert] {
        let alert = notification.alert
        let now = wallClockNanoseconds()
        switch notification.change {
        case .pending, .cancelled:
            return []
        case .firing, .repeated, .resolved:
            guard alert.state != .pending else { return [] }
            return [mapped(alert, now: now)]
        case .severityChanged:
            var previous = alert
            previous.state = .resolved
            previous.resolvedAt = alert.updatedAt
            let previousSeverity: AlertSeverity = alert.severity == .critical ? .warning : .critical
            return [
                mapped(alert, now: now),
                AlertmanagerAlert(
                    previous,
                    severity: previousSeverity,
                    firingUntil: now,
                    generatorURL: address.alertsURL(model: alert.model)
                ),
            ]
        }
    }

    private func mapped(_ alert: Alert, now: Int64) -> AlertmanagerAlert {
        let validity = Self.firingValidityResends * resendInterval.nanoseconds
        return AlertmanagerAlert(
            alert,
            firingUntil: max(now, alert.updatedAt) + validity,
            generatorURL: address.alertsURL(model: alert.model)
        )
    }
}
