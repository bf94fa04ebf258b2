import DriftEngine
import DriftProtocol
import Foundation
import Logging
import ZeroMQ

/// The collector's ingest thread: it alone owns the ZeroMQ sockets and the ``MonitorEngine``.
///
/// Agents' batches arrive on a ROUTER (acknowledged, docs/protocol.md) or an optional PULL socket; each is decoded
/// into column storage, deduplicated by (agent, sequence), fed to the engine, and acknowledged. Alert notifications
/// are published on the PUB socket as `[alert.<model>.<kind>, JSON]` and handed, without blocking, to the webhook
/// and Alertmanager sinks (``AlertOutbox``). Every tick the engine advances to the wall
/// clock (traffic stalls, `for` / `keep_firing_for` expiry), the snapshot for HTTP is refreshed, queued commands
/// run, and a checkpoint is written when due. The loop never dies on bad input: it counts and skips it.
struct IngestLoop: ~Copyable {
    let configuration: CollectorConfiguration
    let core: CollectorCore
    let store: CheckpointStore?
    let logger: Logger
    let clock: @Sendable () -> Int64

    private let resolver: ConfigurationResolver
    private var engine: MonitorEngine
    private var acknowledgements = AcknowledgementTracker()
    /// Event time for `--clock event`.
    private var eventClock = EventClock()

    init(
        configuration: CollectorConfiguration,
        resolver: ConfigurationResolver,
        core: CollectorCore,
        store: CheckpointStore?,
        logger: Logger,
        clock: @escaping @Sendable () -> Int64 = wallClockNanoseconds
    ) {
        self.configuration = configuration
        self.core = core
        self.store = store
        self.logger = logger
        self.clock = clock
        self.resolver = resolver
        self.engine = MonitorEngine(resolver: resolver)
    }

    /// Runs until ``CollectorCore/requestStop()``; throws only when the sockets cannot be set up.
    consuming func run() throws {
        restoreCheckpoint()
        let context = try ZeroMQContext()
        let router = try ZeroMQSocket(context, type: .router)
        try router.setReceiveHighWaterMark(10_000)
        let ingest = try router.bind(configuration.ingestEndpoint)
        let publisher = try ZeroMQSocket(context, type: .pub)
        try publisher.setSendHighWaterMark(configuration.alertHighWaterMark)
        let alerts = try publisher.bind(configuration.alertEndpoint)
        var poller = ZeroMQPoller()
        try poller.register(router)
        var sockets = [router]
        var pull: ZeroMQSocket?
        var pullEndpoint: String?
        if let endpoint = configuration.pullEndpoint {
            let socket = try ZeroMQSocket(context, type: .pull)
            pullEndpoint = try socket.bind(endpoint)
            try poller.register(socket)
            sockets.append(socket)
            pull = socket
        }
        let snapshot = engine.snapshot()
        core.update {
            $0.boundIngestEndpoint = ingest
            $0.boundAlertEndpoint = alerts
            $0.boundPullEndpoint = pullEndpoint
            $0.snapshot = snapshot
            $0.ready = true
        }
        logger.info(
            "Collector sockets bound",
            metadata: ["zmq.ingest": "\(ingest)", "zmq.alerts": "\(alerts)", "zmq.pull": "\(pullEndpoint ?? "-")"]
        )

        let tickNanoseconds =
            Int64(configuration.tickInterval.components.seconds) * 1_000_000_000
            + configuration.tickInterval.components.attoseconds / 1_000_000_000
        let checkpointNanoseconds = Int64(configuration.checkpointInterval.components.seconds) * 1_000_000_000
        var nextTick = clock() + tickNanoseconds
        var nextCheckpoint = clock() + checkpointNanoseconds

        while !core.isStopRequested {
            let ready = try poller.poll(timeout: .milliseconds(max(1, (nextTick - clock()) / 1_000_000)))
            for (index, _) in ready {
                // Drain what is waiting (bounded), so one busy socket cannot starve ticks.
                let socket = sockets[index]
                for _ in 0..<1024 {
                    guard let frames = try? socket.receive(options: .dontWait) else { break }
                    handle(frames, from: socket, viaRouter: index == 0, publisher: publisher)
                }
            }
            let now = clock()
            if now >= nextTick {
                nextTick = now + tickNanoseconds
                if !configuration.eventClock { publish(engine.advance(to: now), on: publisher) }
                runCommands(publisher: publisher)
                let snapshot = engine.snapshot()
                core.update { $0.snapshot = snapshot }
            }
            if now >= nextCheckpoint {
                nextCheckpoint = now + checkpointNanoseconds
                writeCheckpoint()
            }
        }
        writeCheckpoint()
        router.close()
        publisher.close()
        pull?.close()
        core.update { $0.stopped = true }
        logger.info("Collector ingest stopped after its final checkpoint")
    }

    // MARK: Messages

    private mutating func handle(
        _ frames: [ZeroMQFrame],
        from socket: ZeroMQSocket,
        viaRouter: Bool,
        publisher: ZeroMQSocket
    ) {
        let started = ContinuousClock.now
        defer { core.metrics.ingestBatchSeconds.record(ContinuousClock.now - started) }
        let body: ZeroMQFrame
        let routingID: ZeroMQFrame?
        switch (viaRouter, frames.count) {
        case (true, 2):
            routingID = frames[0]
            body = frames[1]
        case (false, 1):
            routingID = nil
            body = frames[0]
        default:
            core.metrics.rejectedMultipart.increment()
            logger.debug(
                "Dropped a message with an unexpected number of frames",
                metadata: ["frames": "\(frames.count)"]
            )
            return
        }
        let outcome = body.withUnsafeBytes { bytes in decode(bytes) }
        switch outcome {
        case .undecodable(let error):
            core.metrics.rejectedMalformed.increment()
            logger.debug("Dropped a message whose header cannot be read", metadata: ["error": "\(error)"])
        case .acknowledgement:
            core.metrics.rejectedUnexpectedType.increment()
            logger.debug("Dropped an acknowledgement sent to the collector")
        case .malformed(let header, let error):
            core.metrics.rejectedMalformed.increment()
            logger.debug(
                "Rejected a malformed batch",
                metadata: ["agent": "\(header.agentID)", "sequence": "\(header.sequence)", "error": "\(error)"]
            )
            // Acknowledged anyway, so the agent does not resend a poison batch forever (docs/protocol.md).
            let (_, acknowledged) = acknowledgements.record(agent: header.agentID, sequence: header.sequence)
            acknowledge(header.agentID, acknowledged, to: routingID, on: socket)
        case .events(let batch):
            let (disposition, acknowledged) = acknowledgements.record(
                agent: batch.header.agentID,
                sequence: batch.header.sequence
            )
            if disposition == .accept {
                core.metrics.eventBatches.increment()
                core.metrics.events.increment(by: Int64(batch.count))
                let notifications =
                    configuration.eventClock ? eventClock.ingest(batch, into: &engine) : engine.ingest(batch)
                publish(notifications, on: publisher)
            } else {
                count(disposition)
            }
            if disposition != .refuse {
                acknowledge(batch.header.agentID, acknowledged, to: routingID, on: socket)
            }
        case .labels(let batch):
            let (disposition, acknowledged) = acknowledgements.record(
                agent: batch.header.agentID,
                sequence: batch.header.sequence
            )
            if disposition == .accept {
                core.metrics.labelBatches.increment()
                core.metrics.labels.increment(by: Int64(batch.labels.count))
                let notifications =
                    configuration.eventClock ? eventClock.ingest(batch, into: &engine) : engine.ingest(batch)
                publish(notifications, on: publisher)
            } else {
                count(disposition)
            }
            if disposition != .refuse {
                acknowledge(batch.header.agentID, acknowledged, to: routingID, on: socket)
            }
        }
    }

    private func count(_ disposition: AcknowledgementTracker.Disposition) {
        switch disposition {
        case .accept: break
        case .duplicate: core.metrics.duplicates.increment()
        case .refuse: core.metrics.rejectedOutOfOrder.increment()
        }
    }

    private enum Decoded {
        case events(EventBatch)
        case labels(LabelBatch)
        case acknowledgement
        case malformed(BatchHeader, ProtocolError)
        case undecodable(ProtocolError)
    }

    private func decode(_ bytes: UnsafeRawBufferPointer) -> Decoded {
        do throws(ProtocolError) {
            switch try WireMessage(decoding: bytes) {
            case .events(let batch): return .events(batch)
            case .labels(let batch): return .labels(batch)
            case .acknowledgement: return .acknowledgement
            }
        } catch {
            do throws(ProtocolError) {
                let (_, header) = try WireMessage.batchHeader(of: bytes)
                return header.sequence == 0 ? .undecodable(error) : .malformed(header, error)
            } catch {
                return .undecodable(error)
            }
        }
    }

    private func acknowledge(_ agent: String, _ sequence: UInt64, to routingID: ZeroMQFrame?, on socket: ZeroMQSocket) {
        guard let routingID, sequence > 0 else { return }
        do {
            let body = try Acknowledgement(agentID: agent, highestContiguousSequence: sequence).encoded()
            // A vanished agent is not an error: it will reconnect and resend.
            _ = try socket.trySend([routingID.bytes, body])
        } catch {
            logger.debug("Could not acknowledge a batch", metadata: ["agent": "\(agent)", "error": "\(error)"])
        }
    }

    // MARK: Alerts

    private func publish(_ notifications: [AlertNotification], on publisher: ZeroMQSocket) {
        guard !notifications.isEmpty else { return }
        var alerts: [Alert] = []
        alerts.reserveCapacity(notifications.count)
        for notification in notifications {
            let alert = notification.alert
            alerts.append(alert)
            do {
                let topic = AlertTopic.topic(model: alert.model, kind: alert.kind)
                // PUB never blocks: a subscriber over its high-water mark loses messages, the collector goes on.
                _ = try publisher.trySend([Array(topic.utf8), try JSONBody.encode(alert)])
                core.metrics.alertsPublished.increment()
            } catch {
                logger.error("Could not publish an alert", metadata: ["alert.id": "\(alert.id)", "error": "\(error)"])
            }
            logger.info(
                "Alert \(alert.state.rawValue)",
                metadata: [
                    "alert.id": "\(alert.id)", "model": "\(alert.model)", "model.version": "\(alert.modelVersion)",
                    "kind": "\(alert.kind.rawValue)", "feature": "\(alert.feature ?? "-")",
                    "severity": "\(alert.severity.rawValue)",
                ]
            )
        }
        core.record(alerts)
        // After recording, so a sink that re-reads the current alerts already sees these changes.
        core.outbox?.submit(notifications)
    }

    // MARK: Commands and checkpoints

    private mutating func runCommands(publisher: ZeroMQSocket) {
        for command in core.takeCommands() {
            switch command {
            case .reconfigure(let resolver):
                engine.reconfigure(resolver)
                core.update { $0.resolver = resolver }
                logger.info("Configuration applied; window state kept")
            case .resetReference(let model, let version):
                engine.resetReference(model: model, version: version)
                logger.info("Reference reset", metadata: ["model": "\(model)", "model.version": "\(version ?? "*")"])
            case .checkpoint:
                writeCheckpoint()
            }
        }
    }

    private func writeCheckpoint() {
        guard let store else { return }
        do {
            let encoder = CheckpointCoding.encoder()
            let blobs = [
                "engine": try encoder.encode(engine.checkpoint()),
                "acknowledgements": try encoder.encode(acknowledgements),
            ]
            try store.save(blobs, savedAt: clock())
            core.metrics.checkpointSuccesses.increment()
        } catch {
            core.metrics.checkpointFailures.increment()
            logger.error("Could not write a checkpoint", metadata: ["error": "\(error)"])
        }
    }

    private mutating func restoreCheckpoint() {
        guard let store else { return }
        do {
            let decoder = CheckpointCoding.decoder()
            if let saved = try store.load("engine") {
                let checkpoint = try decoder.decode(EngineCheckpoint.self, from: saved.body)
                engine = MonitorEngine(restoring: checkpoint)
                // The configuration file may have changed while the collector was down: the file wins.
                engine.reconfigure(resolver)
                logger.info("Engine state restored from checkpoint", metadata: ["saved_at_ns": "\(saved.savedAt)"])
            }
            if let saved = try store.load("acknowledgements") {
                acknowledgements = try decoder.decode(AcknowledgementTracker.self, from: saved.body)
            }
        } catch {
            // A checkpoint this build cannot read must not stop monitoring: start fresh, say so loudly.
            logger.error("Could not restore the checkpoint; starting with empty state", metadata: ["error": "\(error)"])
        }
    }
}

/// Nanoseconds since the Unix epoch, from the system's real-time clock.
@Sendable func wallClockNanoseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
