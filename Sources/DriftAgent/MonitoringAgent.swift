import Foundation
import Logging
import Synchronization
import ZeroMQ

/// A running agent: the in-process library for Swift model servers, and the core of `driftwatch agent`.
///
/// ```swift
/// let agent = try MonitoringAgent(configuration: .init(collectorEndpoint: "tcp://collector:7701",
///                                                      spoolDirectory: "/var/lib/driftwatch/agent"))
/// agent.record(AgentEvent(model: "fraud", timestamp: now, latencyMicroseconds: 840,
///                         prediction: .number(0.93), numericFeatures: ["amount": 120]))
/// agent.shutdown()   // seals and delivers what is open; the rest stays in the spool for the next start
/// ```
///
/// `record` costs the caller a lock and an array append (``EventRecorder``); batching, the spool and the
/// network run on the agent's own thread, so the model never waits on the collector.
public final class MonitoringAgent: AgentEventSink {
    /// The queue capture front ends record into.
    public let recorder: EventRecorder
    /// The agent id the spool's batches carry.
    public let agentID: String
    /// The configuration the agent runs with.
    public let configuration: AgentConfiguration

    private let shared: DeliveryWorker.Shared
    private let context: ZeroMQContext
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)

    /// Opens the spool (recovering what a previous run left), connects to the collector and starts delivering.
    /// - Parameters:
    ///   - configuration: the agent's configuration.
    ///   - logger: where the agent logs (spool full, collector unreachable, recovery).
    /// - Throws: ``AgentError`` for an invalid configuration, an unusable spool or a refused endpoint.
    public init(
        configuration: AgentConfiguration,
        logger: Logger = Logger(label: "driftwatch.agent")
    ) throws(AgentError) {
        try configuration.validate()
        self.configuration = configuration
        let spool = try Spool(
            directory: configuration.spoolDirectory,
            maxBytes: configuration.spoolMaxBytes,
            newAgentID: configuration.agentID ?? Self.generatedAgentID()
        )
        agentID = spool.agentID
        recorder = EventRecorder(capacity: configuration.queueCapacity)
        var initial = DeliveryStatistics()
        initial.agentID = spool.agentID
        initial.recoveredBatches = spool.records.count
        initial.recoveredTornRecords = spool.recoveredTornRecords
        initial.acknowledgedSequence = spool.acknowledged
        initial.lastSequence = spool.lastSequence
        initial.pendingBatches = spool.records.count
        initial.pendingEvents = spool.pendingEvents
        initial.spoolBytes = spool.storedBytes
        shared = DeliveryWorker.Shared(statistics: initial)
        do {
            context = try ZeroMQContext()
        } catch {
            throw AgentError(.transport, "cannot create a ZeroMQ context: \(error)")
        }
        if !spool.records.isEmpty {
            logger.notice(
                "resending batches left in the spool by a previous run",
                metadata: ["batches": "\(spool.records.count)", "events": "\(spool.pendingEvents)"]
            )
        }
        // The socket is created on the worker's thread (it may not cross threads); the outcome comes back here so
        // that a refused endpoint fails the initialiser rather than a background thread.
        let started = DispatchSemaphore(value: 0)
        let startError = Mutex<AgentError?>(nil)
        let worker = DeliveryWorker(
            configuration: configuration,
            spool: spool,
            recorder: recorder,
            shared: shared,
            logger: logger
        )
        let context = self.context
        let finished = self.finished
        let thread = Thread {
            var worker = worker
            let socket: ZeroMQSocket
            do {
                socket = try DeliveryWorker.connect(
                    context: context,
                    configuration: configuration,
                    agentID: spool.agentID
                )
            } catch let error as AgentError {
                startError.withLock { $0 = error }
                started.signal()
                finished.signal()
                return
            } catch {
                startError.withLock { $0 = AgentError(.transport, "\(error)") }
                started.signal()
                finished.signal()
                return
            }
            started.signal()
            worker.run(socket: socket)
            finished.signal()
        }
        thread.name = "driftwatch-agent-delivery"
        thread.start()
        started.wait()
        if let error = startError.withLock({ $0 }) {
            stopped.withLock { $0 = true }
            throw error
        }
    }

    deinit {
        shutdown()
    }

    /// Records one observed request (never blocks; false when the queue was full and it was dropped).
    @discardableResult
    public func record(_ event: AgentEvent) -> Bool { recorder.record(event) }

    /// Records one delayed label (never blocks; false when it was dropped).
    @discardableResult
    public func record(_ label: AgentLabel) -> Bool { recorder.record(label) }

    /// The delivery worker's counters, as of its last pass (a few milliseconds old while it works; an idle worker
    /// sleeps until the next item, and nothing changes meanwhile).
    public var statistics: DeliveryStatistics { shared.statistics.withLock { $0 } }

    /// Whether the delivery worker has stopped.
    public var isStopped: Bool { stopped.withLock { $0 } }

    /// Seals what is open, waits up to ``AgentConfiguration/drainTimeout`` for acknowledgements and stops. What
    /// is still unacknowledged stays in the spool (on disk, when configured) for the next start. Idempotent.
    public func shutdown() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shared.stopRequested.store(true, ordering: .releasing)
        recorder.wakeWorker()
        finished.wait()
    }

    /// `<host name>-<8 random hex digits>`: unique per spool, readable in the collector's logs and metrics.
    static func generatedAgentID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "agent"
        let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
        return host + "-" + String(repeating: "0", count: 8 - suffix.count) + suffix
    }
}
