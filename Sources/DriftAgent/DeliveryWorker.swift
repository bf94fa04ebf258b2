import DriftProtocol
import Logging
import Synchronization
import ZeroMQ

/// The agent's delivery loop, run on its own thread (ZEROMQ-NOTES.md: never block the concurrency pool on
/// libzmq): drain the recorder, batch, stamp and spool each sealed batch, send up to a window of batches over a
/// DEALER to the collector's ROUTER, release them on cumulative acknowledgements and resend the overdue ones.
///
/// Each pass waits at most 5 ms for acknowledgements, so a recorded event is batched within that time plus the
/// flush interval. An idle worker (nothing queued, open or unacknowledged) waits instead on the recorder's
/// ``Doorbell``, which the next recorded item rings. The worker owns its socket and spool; other threads see only
/// ``DeliveryStatistics``.
struct DeliveryWorker {
    /// State shared with the threads that record and read statistics.
    final class Shared: Sendable {
        let stopRequested = Atomic<Bool>(false)
        let statistics: Mutex<DeliveryStatistics>

        init(statistics: DeliveryStatistics) {
            self.statistics = Mutex(statistics)
        }
    }

    let configuration: AgentConfiguration
    let recorder: EventRecorder
    let shared: Shared
    let logger: Logger
    private var spool: Spool
    private var assembler: BatchAssembler
    private var statistics: DeliveryStatistics
    /// Batches sent and not yet acknowledged (their bytes stay in the spool), with the shared resend rule.
    private var inFlight: InFlightWindow<Void>
    private var nextToSend: UInt64
    private let clock = ContinuousClock()
    private var unreachableLogged = false
    private var spoolFullLogged = false

    init(
        configuration: AgentConfiguration,
        spool: Spool,
        recorder: EventRecorder,
        shared: Shared,
        logger: Logger
    ) {
        self.configuration = configuration
        self.spool = spool
        self.recorder = recorder
        self.shared = shared
        self.logger = logger
        assembler = BatchAssembler(
            agentID: spool.agentID,
            limits: .init(
                maxItems: configuration.batchMaxEvents,
                maxBytes: configuration.batchMaxBytes,
                maxAge: configuration.flushInterval
            )
        )
        statistics = shared.statistics.withLock { $0 }
        nextToSend = spool.acknowledged + 1
        inFlight = InFlightWindow(
            resendAfter: configuration.resendAfter,
            acknowledged: spool.acknowledged,
            now: clock.now
        )
    }

    /// Opens the DEALER whose routing id is the agent id, connected to the collector.
    static func connect(
        context: ZeroMQContext,
        configuration: AgentConfiguration,
        agentID: String
    )
        throws(AgentError) -> ZeroMQSocket
    {
        do {
            let socket = try ZeroMQSocket(context, type: .dealer, linger: .zero)
            try socket.setRoutingID(Array(agentID.utf8))
            try socket.setSendHighWaterMark(Int32(clamping: configuration.maxUnacknowledged * 2))
            try socket.setReconnectInterval(.milliseconds(100), maximum: .seconds(2))
            if let curve = configuration.curve {
                try socket.setCurveClient(serverKey: curve.serverKey, keyPair: curve.keyPair)
            }
            try socket.connect(configuration.collectorEndpoint)
            return socket
        } catch {
            throw AgentError(.transport, "cannot connect to \(configuration.collectorEndpoint): \(error)")
        }
    }

    /// Runs until a stop is requested and the spool is drained or ``AgentConfiguration/drainTimeout`` passes.
    mutating func run(socket: ZeroMQSocket) {
        var events: [AgentEvent] = []
        var labels: [AgentLabel] = []
        var drainDeadline: ContinuousClock.Instant?
        // Watches the DEALER and the recorder's doorbell together, for the waits of an idle worker.
        var idlePoller: ZeroMQPoller? = recorder.doorbell.flatMap { doorbell in
            var poller = ZeroMQPoller()
            guard (try? poller.register(socket)) != nil else { return nil }
            poller.register(fileDescriptor: doorbell.readEnd)
            return poller
        }
        while true {
            let stopping = shared.stopRequested.load(ordering: .acquiring)
            if stopping && drainDeadline == nil { drainDeadline = clock.now + configuration.drainTimeout }
            recorder.drain(into: &events, &labels)
            let now = clock.now
            for event in events { assembler.add(event, now: now) }
            for label in labels { assembler.add(label, now: now) }
            assembler.sealExpired(now: now, everything: stopping)
            storeSealed()
            sendNew(socket)
            if !stopping, events.isEmpty, labels.isEmpty, spool.records.isEmpty, assembler.openItemCount == 0,
                idlePoller != nil, recorder.workerWillWait()
            {
                // Nothing to batch, send or resend: sleep until the next item rings the doorbell, an
                // acknowledgement comes or a second passes, instead of waking 200 times a second beside an idle
                // model.
                _ = try? idlePoller?.poll(timeout: Self.idleWait)
                recorder.doorbell?.answer()
                receiveAcknowledgements(socket, timeout: .zero)
            } else {
                receiveAcknowledgements(socket, timeout: .milliseconds(5))
            }
            resendOverdue(socket)
            noteReachability()
            publish()
            if let drainDeadline, spool.records.isEmpty || clock.now >= drainDeadline { break }
        }
        spool.close()
        socket.close()
        statistics.stopped = true
        publish()
    }

    /// The longest an idle worker sleeps between two passes when nothing rings.
    static let idleWait: Duration = .seconds(1)

    private mutating func storeSealed() {
        for batch in assembler.takeSealed() {
            let sequence = spool.nextSequence
            do {
                if try spool.store(batch.stamped(sequence: sequence), sequence: sequence) != nil {
                    statistics.batchesStored += 1
                    statistics.eventsStored += batch.events
                    statistics.labelsStored += batch.labels
                    spoolFullLogged = false
                } else {
                    statistics.eventsDroppedSpoolFull += batch.events
                    statistics.labelsDroppedSpoolFull += batch.labels
                    if !spoolFullLogged {
                        spoolFullLogged = true
                        logger.warning(
                            "spool full: dropping new events until the collector acknowledges older ones",
                            metadata: ["spool.bytes": "\(spool.storedBytes)", "spool.max": "\(spool.maxBytes)"]
                        )
                    }
                }
            } catch {
                statistics.spoolWriteErrors += 1
                statistics.eventsDroppedSpoolFull += batch.events
                statistics.labelsDroppedSpoolFull += batch.labels
                logger.error("cannot write to the spool; batch dropped", metadata: ["error": "\(error)"])
            }
        }
    }

    private mutating func sendNew(_ socket: ZeroMQSocket) {
        while inFlight.count < configuration.maxUnacknowledged, let record = spool.record(nextToSend) {
            guard send(record, socket) else { return }
            inFlight.append(sequence: record.sequence, payload: (), sentAt: clock.now)
            nextToSend += 1
            statistics.batchesSent += 1
        }
    }

    /// Sends one stored batch without blocking; false when libzmq cannot take it now.
    private func send(_ record: Spool.Record, _ socket: ZeroMQSocket) -> Bool {
        Self.send(record, from: spool, on: socket, logger: logger)
    }

    private static func send(_ record: Spool.Record, from spool: Spool, on socket: ZeroMQSocket, logger: Logger) -> Bool
    {
        do {
            let bytes = try spool.payload(of: record)
            return try socket.trySend(CollectionOfOne(bytes))
        } catch {
            logger.error("cannot send a batch", metadata: ["sequence": "\(record.sequence)", "error": "\(error)"])
            return false
        }
    }

    private mutating func receiveAcknowledgements(_ socket: ZeroMQSocket, timeout: Duration) {
        var wait = timeout
        while let frames = try? socket.receive(timeout: wait) {
            wait = .zero
            guard frames.count == 1,
                let acknowledgement = try? frames[0].withUnsafeBytes({ (bytes) throws(ProtocolError) in
                    try Acknowledgement(decoding: bytes)
                }),
                acknowledgement.agentID == spool.agentID
            else {
                statistics.badAcknowledgements += 1
                continue
            }
            acknowledge(upTo: acknowledgement.highestContiguousSequence)
        }
    }

    private mutating func acknowledge(upTo sequence: UInt64) {
        statistics.lastAcknowledgement = clock.now
        for record in spool.acknowledge(upTo: sequence) {
            statistics.batchesDelivered += 1
            statistics.eventsDelivered += record.events
            statistics.labelsDelivered += record.labels
        }
        inFlight.acknowledge(through: spool.acknowledged, now: clock.now)
        nextToSend = max(nextToSend, spool.acknowledged + 1)
    }

    /// Resends overdue batches from the spool by the rule of ``InFlightWindow`` (only while acknowledgements stall).
    private mutating func resendOverdue(_ socket: ZeroMQSocket) {
        let (spool, logger) = (spool, logger)
        statistics.resends += inFlight.resendDue(now: clock.now) { entry in
            guard let record = spool.record(entry.sequence) else { return false }
            return Self.send(record, from: spool, on: socket, logger: logger)
        }
    }

    /// Logs once when batches wait for acknowledgements longer than three resend periods, and once on recovery.
    private mutating func noteReachability() {
        let waiting = !spool.records.isEmpty
        let lastHeard = statistics.lastAcknowledgement
        let silent = waiting && lastHeard.map { clock.now - $0 > configuration.resendAfter * 3 } ?? waiting
        if silent && !unreachableLogged
            && (inFlight.oldest?.lastSent.map { clock.now - $0 > configuration.resendAfter * 3 } ?? false)
        {
            unreachableLogged = true
            logger.warning(
                "collector not acknowledging; batches are kept in the spool and resent",
                metadata: ["collector": "\(configuration.collectorEndpoint)", "pending": "\(spool.records.count)"]
            )
        } else if !silent && unreachableLogged {
            unreachableLogged = false
            logger.notice("collector acknowledging again", metadata: ["pending": "\(spool.records.count)"])
        }
    }

    private mutating func publish() {
        statistics.invalid = assembler.invalid
        statistics.acknowledgedSequence = spool.acknowledged
        statistics.lastSequence = spool.lastSequence
        statistics.pendingBatches = spool.records.count
        statistics.pendingEvents = spool.pendingEvents
        statistics.spoolBytes = spool.storedBytes
        let snapshot = statistics
        shared.statistics.withLock { $0 = snapshot }
    }
}
