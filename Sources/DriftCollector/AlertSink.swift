import Foundation

/// Where the collector delivers alert notifications over HTTP, besides its PUB socket.
enum AlertSink: Sendable, Hashable {
    /// A webhook: every notification's alert JSON body is POSTed to the URL.
    case webhook(URL)
    /// An Alertmanager: alerts are POSTed to `<base>/api/v2/alerts` and firing ones re-sent periodically.
    case alertmanager(URL)

    /// The sinks configured in `configuration`: webhooks first, then Alertmanagers, in flag order.
    static func configured(in configuration: CollectorConfiguration) -> [AlertSink] {
        configuration.webhookURLs.map(AlertSink.webhook) + configuration.alertmanagerURLs.map(AlertSink.alertmanager)
    }

    /// The `sink` label value of the delivery counters.
    var label: String {
        switch self {
        case .webhook: "webhook"
        case .alertmanager: "alertmanager"
        }
    }

    /// The URL requests go to.
    var endpoint: URL {
        switch self {
        case .webhook(let url): url
        case .alertmanager(let base): base.appendingPathComponent("api/v2/alerts")
        }
    }
}
