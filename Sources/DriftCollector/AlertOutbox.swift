import DriftEngine
import Prometheus
import Synchronization

/// The hand-off of alert notifications from the ingest thread to the HTTP sinks: one bounded `AsyncStream` per
/// sink, so a slow or failing receiver delays only itself.
///
/// Alertmanager re-sends travel through the same stream as notifications (``Item/resendFiring``), so a sink never
/// re-sends an alert as firing after it has delivered its resolution.
///
/// ``submit(_:)`` never blocks and never allocates per sink beyond the stream's buffer: each stream keeps the newest
/// `capacity` notifications, and what falls out of a full buffer is counted in
/// `driftwatch_alert_deliveries_dropped_total{sink}`.
/// - Complexity: O(sinks) per notification; memory O(sinks × capacity) notifications at most.
final class AlertOutbox: Sendable {
    /// What a sink's worker does next.
    enum Item: Sendable {
        /// Deliver one notification.
        case notification(AlertNotification)
        /// Re-send every alert that is firing now (Alertmanager sinks only).
        case resendFiring
    }

    /// The sinks, in the order of ``streams``.
    let sinks: [AlertSink]
    /// One stream per sink, consumed by ``AlertDeliveryService``.
    let streams: [AsyncStream<Item>]
    private let continuations: [AsyncStream<Item>.Continuation]
    private let dropped: [Counter]
    private let finished = Atomic<Bool>(false)

    /// Creates the streams.
    /// - Parameters:
    ///   - sinks: where notifications go; one stream each.
    ///   - capacity: notifications each stream may hold (the newest are kept).
    ///   - metrics: the collector's counters (drops are counted per sink kind).
    init(sinks: [AlertSink], capacity: Int, metrics: CollectorMetrics) {
        precondition(capacity > 0, "the delivery queue needs room for at least one notification")
        self.sinks = sinks
        var streams: [AsyncStream<Item>] = []
        var continuations: [AsyncStream<Item>.Continuation] = []
        for _ in sinks {
            let (stream, continuation) = AsyncStream.makeStream(
                of: Item.self,
                bufferingPolicy: .bufferingNewest(capacity)
            )
            streams.append(stream)
            continuations.append(continuation)
        }
        self.streams = streams
        self.continuations = continuations
        self.dropped = sinks.map { sink in
            switch sink {
            case .webhook: metrics.webhookDeliveries.dropped
            case .alertmanager: metrics.alertmanagerDeliveries.dropped
            }
        }
    }

    /// Queues `notifications` for every sink; called on the ingest thread, never blocks.
    func submit(_ notifications: [AlertNotification]) {
        guard !notifications.isEmpty else { return }
        for index in continuations.indices {
            for notification in notifications { enqueue(.notification(notification), at: index) }
        }
    }

    /// Asks every Alertmanager sink to re-send the alerts firing now.
    func requestResend() {
        for (index, sink) in sinks.enumerated() {
            if case .alertmanager = sink { enqueue(.resendFiring, at: index) }
        }
    }

    private func enqueue(_ item: Item, at index: Int) {
        switch continuations[index].yield(item) {
        case .enqueued: break
        case .dropped, .terminated: dropped[index].increment()
        @unknown default: dropped[index].increment()
        }
    }

    /// Ends every stream: the sinks deliver what is queued and stop; later submissions are dropped and counted.
    func finish() {
        finished.store(true, ordering: .releasing)
        for continuation in continuations { continuation.finish() }
    }

    /// Whether ``finish()`` was called (deliveries then stop retrying).
    var isFinished: Bool { finished.load(ordering: .acquiring) }
}
