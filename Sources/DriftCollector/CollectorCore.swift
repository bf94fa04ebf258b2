import DriftEngine
import DriftProtocol
import Synchronization

/// What the ingest thread shares with the rest of the collector (HTTP handlers, the reload service): a snapshot
/// of the engine, recent alerts, readiness, and a queue of commands for the thread.
///
/// The engine itself is owned by the ingest thread and never shared: readers see the snapshot it publishes after
/// each evaluation, so HTTP requests never wait on ingestion and ingestion never hops threads per event.
final class CollectorCore: Sendable {
    struct Status: Sendable {
        var snapshot: EngineSnapshot
        /// The monitoring configuration in force (changes on a successful reload).
        var resolver: ConfigurationResolver
        /// Alerts by fingerprint: every pending or firing one, and resolved ones until evicted.
        var alerts: [String: Alert] = [:]
        /// Endpoints actually bound (ephemeral ports resolved).
        var boundIngestEndpoint: String?
        var boundAlertEndpoint: String?
        var boundPullEndpoint: String?
        /// Whether the sockets are bound and the state restored.
        var ready = false
        /// Whether the ingest thread has stopped (after its final checkpoint).
        var stopped = false
        /// The last start-up or run-time failure of the ingest thread, if any.
        var failure: String?
    }

    /// How many resolved alerts the API keeps for inspection.
    static let resolvedAlertsKept = 1000

    let metrics: CollectorMetrics
    /// Where the ingest thread hands notifications to the webhook and Alertmanager sinks; `nil` without sinks.
    let outbox: AlertOutbox?
    /// The durable outbox of retraining triggers (in memory without `--state`); `nil` only in tests that need none.
    let triggers: TriggerOutbox?
    private let status: Mutex<Status>
    private let commands = Mutex<[IngestCommand]>([])
    private let stopRequested = Atomic<Bool>(false)

    init(
        metrics: CollectorMetrics,
        resolver: ConfigurationResolver,
        outbox: AlertOutbox? = nil,
        triggers: TriggerOutbox? = nil
    ) {
        self.metrics = metrics
        self.outbox = outbox
        self.triggers = triggers
        self.status = Mutex(Status(snapshot: MonitorEngine(resolver: resolver).snapshot(), resolver: resolver))
    }

    /// A copy of the current status.
    var current: Status { status.withLock { $0 } }

    func update(_ body: (inout Status) -> Void) {
        status.withLock { body(&$0) }
    }

    /// Queues a command for the ingest thread; it runs within one tick.
    func send(_ command: IngestCommand) {
        commands.withLock { $0.append(command) }
    }

    func takeCommands() -> [IngestCommand] {
        commands.withLock { queue in
            defer { queue.removeAll() }
            return queue
        }
    }

    /// Asks the ingest thread to checkpoint, close its sockets and stop.
    func requestStop() { stopRequested.store(true, ordering: .releasing) }

    var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    /// Records alert notifications for the API.
    func record(_ alerts: [Alert]) {
        guard !alerts.isEmpty else { return }
        status.withLock { status in
            for alert in alerts { status.alerts[alert.id] = alert }
            let resolved = status.alerts.values.filter { $0.state == .resolved }
            if resolved.count > Self.resolvedAlertsKept {
                for alert in resolved.sorted(by: { $0.updatedAt < $1.updatedAt })
                    .prefix(resolved.count - Self.resolvedAlertsKept)
                {
                    status.alerts[alert.id] = nil
                }
            }
        }
    }
}
