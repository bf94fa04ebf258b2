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
    /// Writes checkpoints off this thread (nil without a state file).
    private let checkpoints: CheckpointWriter?
    let logger: Logger
    let clock: @Sendable () -> Int64

    private let resolver: ConfigurationResolver
    private var engine: MonitorEngine
    private var acknowledgements = AcknowledgementTracker()
    /// Per-agent event budgets (when ``CollectorConfiguration/agentEventsPerSecond`` is set), and when each agent's
    /// last rate-limit warning was logged.
    private var budgets: [String: TokenBucket] = [:]
    private var rateLimitLoggedAt: [String: Int64] = [:]
    /// The configuration in force (changes on reload), for the trigger policy.
    private var currentResolver: ConfigurationResolver
    private var triggers = TriggerEvaluator()
    /// Event time for `--clock event`.
    private var eventClock = EventClock()
    /// Each model's privacy settings, applied before the engine (and so its checkpoints) sees a batch.
    private var privacy: PrivacyFilter

    init(
        configuration: CollectorConfiguration,
        resolver: ConfigurationResolver,
        core: CollectorCore,
        store: CheckpointStore?,
        logger: Logger,
        clock: @escaping @Sendable () -> Int64 = wallClockNanoseconds
    ) throws {
        self.configuration = configuration
        self.core = core
        self.store = store
        self.checkpoints = store.map { CheckpointWriter(store: $0, core: core, logger: logger) }
        self.logger = logger
        self.clock = clock
        self.resolver = resolver
        self.currentResolver = resolver
        self.engine = MonitorEngine(resolver: resolver)
        self.privacy = try PrivacyFilter(resolver: resolver, key: configuration.privacyKey)
    }

    /// Runs until ``CollectorCore/requestStop()``; throws only when the sockets cannot be set up.
    consuming func run() throws {
        restoreCheckpoint()
        let context = try ZeroMQContext()
        // The ZAP handler must be bound before the sockets it guards accept their first handshake.
        let authenticator = try makeAuthenticator(context)
        let router = try ZeroMQSocket(context, type: .router)
        try router.setReceiveHighWaterMark(10_000)
        try secure(router)
        let ingest = try router.bind(configuration.ingestEndpoint)
        let publisher = try ZeroMQSocket(context, type: .pub)
        try publisher.setSendHighWaterMark(configuration.alertHighWaterMark)
        try secure(publisher)
        let alerts = try publisher.bind(configuration.alertEndpoint)
        var poller = ZeroMQPoller()
        try poller.register(router)
        var sockets = [router]
        var pull: ZeroMQSocket?
        var pullEndpoint: String?
        if let endpoint = configuration.pullEndpoint {
            let socket = try ZeroMQSocket(context, type: .pull)
            try secure(socket)
            pullEndpoint = try socket.bind(endpoint)
            try poller.register(socket)
            sockets.append(socket)
            pull = socket
        }
        if let authenticator { try poller.register(authenticator.socket) }
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
                guard index < sockets.count else {
                    _ = try? authenticator?.handleRequests()
                    continue
                }
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
                decideTriggers(at: snapshot.eventTime ?? now)
            }
            if now >= nextCheckpoint {
                nextCheckpoint = now + checkpointNanoseconds
                if let state = checkpointState() { checkpoints?.writeInBackground(state) }
            }
        }
        writeCheckpoint()
        // Requests that wait for an answer must not wait forever.
        for case .compareVersions(_, _, _, let reply) in core.takeCommands() { reply(nil) }
        router.close()
        publisher.close()
        authenticator?.socket.close()
        pull?.close()
        core.update { $0.stopped = true }
        logger.info("Collector ingest stopped after its final checkpoint")
    }

    // MARK: Security

    /// The ZAP handler admitting the allow-listed client keys, when the collector has a CURVE key pair.
    private func makeAuthenticator(_ context: ZeroMQContext) throws -> ZAPAuthenticator? {
        guard configuration.curveKeyPair != nil else { return nil }
        let metrics = core.metrics
        let logger = logger
        return try ZAPAuthenticator(context: context, allowedKeys: configuration.allowedClientKeys) { decision in
            if decision.admitted {
                metrics.clientsAdmitted.increment()
            } else {
                metrics.clientsRefused.increment()
                logger.warning(
                    "Refused a client whose key is not on the allow-list",
                    metadata: [
                        "client.key": "\(decision.clientKey ?? "-")", "client.address": "\(decision.address)",
                        "mechanism": "\(decision.mechanism)",
                    ]
                )
            }
        }
    }

    /// Makes `socket` a CURVE server checked by the ZAP handler, when the collector has a key pair.
    private func secure(_ socket: ZeroMQSocket) throws {
        guard let keyPair = configuration.curveKeyPair else { return }
        try socket.setCurveServer(secretKey: keyPair.secretKey)
        try socket.setZAPDomain("driftwatch")
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
            if disposition == .accept && !withinBudget(agent: batch.header.agentID, events: batch.count) {
                // Acknowledged like a stored batch so the agent does not resend it: the excess is dropped.
                core.metrics.rejectedRateLimited.increment()
            } else if disposition == .accept {
                core.metrics.eventBatches.increment()
                core.metrics.events.increment(by: Int64(batch.count))
                let kept = privacy.apply(batch)
                let notifications =
                    configuration.eventClock ? eventClock.ingest(kept, into: &engine) : engine.ingest(kept)
                publish(notifications, on: publisher)
                // A fast replay can fire and resolve an alert between two ticks: decide while it fires.
                if triggers.hasUnconsumedAlerts { decideTriggers(at: engine.eventTime ?? clock()) }
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
            if disposition == .accept, let kept = privacy.apply(batch) {
                core.metrics.labelBatches.increment()
                core.metrics.labels.increment(by: Int64(batch.labels.count))
                let notifications =
                    configuration.eventClock ? eventClock.ingest(kept, into: &engine) : engine.ingest(kept)
                publish(notifications, on: publisher)
                // A fast replay can fire and resolve an alert between two ticks: decide while it fires.
                if triggers.hasUnconsumedAlerts { decideTriggers(at: engine.eventTime ?? clock()) }
            } else if disposition == .accept {
                // Acknowledged like a stored batch: the model's privacy settings drop request ids.
                core.metrics.rejectedLabelsPrivacy.increment()
            } else {
                count(disposition)
            }
            if disposition != .refuse {
                acknowledge(batch.header.agentID, acknowledged, to: routingID, on: socket)
            }
        }
    }

    /// Takes `events` from the agent's budget; false (and a warning at most every 10 s per agent) when it is spent.
    private mutating func withinBudget(agent: String, events: Int) -> Bool {
        let rate = configuration.agentEventsPerSecond
        guard rate > 0 else { return true }
        let now = clock()
        // Bounded like the agents themselves: past 10,000 ids the budgets start afresh.
        if budgets.count >= 10_000 && budgets[agent] == nil {
            budgets.removeAll()
            rateLimitLoggedAt.removeAll()
        }
        var bucket = budgets[agent] ?? TokenBucket(rate: rate, burst: rate * 2, now: now)
        let allowed = bucket.take(events, now: now)
        budgets[agent] = bucket
        if !allowed && now - (rateLimitLoggedAt[agent] ?? .min / 2) >= 10_000_000_000 {
            rateLimitLoggedAt[agent] = now
            logger.warning(
                "Agent over its event rate limit; dropping its excess batches",
                metadata: ["agent": "\(agent)", "limit.events_per_second": "\(rate)", "batch.events": "\(events)"]
            )
        }
        return allowed
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

    private mutating func publish(_ notifications: [AlertNotification], on publisher: ZeroMQSocket) {
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
        triggers.observe(notifications)
        // After recording, so a sink that re-reads the current alerts already sees these changes.
        core.outbox?.submit(notifications)
    }

    // MARK: Commands and checkpoints

    private mutating func runCommands(publisher: ZeroMQSocket) {
        for command in core.takeCommands() {
            switch command {
            case .reconfigure(let resolver):
                // The reload service checked that the new configuration has the privacy key it needs.
                if let filter = try? PrivacyFilter(resolver: resolver, key: configuration.privacyKey) {
                    privacy = filter
                }
                engine.reconfigure(resolver)
                currentResolver = resolver
                core.update { $0.resolver = resolver }
                logger.info("Configuration applied; window state kept")
            case .resetReference(let model, let version):
                engine.resetReference(model: model, version: version)
                logger.info("Reference reset", metadata: ["model": "\(model)", "model.version": "\(version ?? "*")"])
            case .checkpoint:
                writeCheckpoint()
            case .manualTrigger(let request):
                createManualTrigger(request)
            case .compareVersions(let model, let incumbent, let candidate, let reply):
                reply(engine.compareVersions(model: model, incumbent: incumbent, candidate: candidate))
            }
        }
    }

    /// Writes a checkpoint and returns once it is saved (after one still being written in the background).
    private func writeCheckpoint() {
        if let state = checkpointState() { checkpoints?.writeNow(state) }
    }

    /// The state a checkpoint saves, copied now; nil without a state file.
    private func checkpointState() -> CheckpointState? {
        guard checkpoints != nil else { return nil }
        return CheckpointState(
            engine: engine,
            acknowledgements: acknowledgements,
            triggers: triggers,
            savedAt: clock()
        )
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
            if let saved = try core.triggers?.loadEvaluator() {
                triggers = try decoder.decode(TriggerEvaluator.self, from: saved)
                logger.info("Trigger policy state restored")
            }
        } catch {
            // A checkpoint this build cannot read must not stop monitoring: start fresh, say so loudly.
            logger.error("Could not restore the checkpoint; starting with empty state", metadata: ["error": "\(error)"])
        }
    }
}

// MARK: Retraining triggers

extension IngestLoop {
    /// Applies the trigger policies at the engine's time and writes the triggers they create to the outbox, with the
    /// evaluator's new state, in one transaction. If the write fails the evaluator keeps its old state, so the same
    /// decision is made again at the next tick: a trigger is never decided without being recorded.
    fileprivate mutating func decideTriggers(at eventTime: Int64) {
        guard let outbox = core.triggers else { return }
        var candidate = triggers
        let engine = self.engine
        let decisions = candidate.evaluate(
            at: eventTime,
            resolver: currentResolver,
            figures: { engine.snapshot(model: $0.model, version: $0.version) }
        )
        var fired: [RetrainTrigger] = []
        for decision in decisions {
            switch decision {
            case .fire(let trigger):
                fired.append(trigger)
            case .suppressed(let model, let version, let reason):
                core.metrics.triggers.suppressed(reason)
                logger.info(
                    "Retraining trigger held back by the policy",
                    metadata: ["model": "\(model)", "model.version": "\(version)", "reason": "\(reason.rawValue)"]
                )
            }
        }
        guard !fired.isEmpty else {
            triggers = candidate
            return
        }
        if record(fired, evaluator: candidate, in: outbox, manual: false) { triggers = candidate }
    }

    fileprivate mutating func createManualTrigger(_ request: ManualTriggerRequest) {
        guard let outbox = core.triggers else { return }
        let snapshot = engine.snapshot()
        let trigger = triggers.manualTrigger(
            id: request.id,
            model: request.model,
            version: request.version,
            reason: request.reason,
            at: snapshot.eventTime ?? clock(),
            resolver: currentResolver,
            snapshot: snapshot
        )
        var candidate = triggers
        candidate.recordManual(trigger)
        if record([trigger], evaluator: candidate, in: outbox, manual: true) { triggers = candidate }
    }

    private func record(
        _ fired: [RetrainTrigger],
        evaluator: TriggerEvaluator,
        in outbox: TriggerOutbox,
        manual: Bool
    ) -> Bool {
        do {
            let inserted = try outbox.record(
                fired,
                sinks: configuration.triggerSinks.map(\.name),
                evaluator: try CheckpointCoding.encoder().encode(evaluator),
                now: clock()
            )
            let counter = manual ? core.metrics.triggers.createdManually : core.metrics.triggers.createdByPolicy
            counter.increment(by: Int64(inserted.count))
            for trigger in fired where inserted.contains(trigger.id) {
                logger.info(
                    "Retraining trigger created",
                    metadata: [
                        "trigger.id": "\(trigger.id)", "model": "\(trigger.model)",
                        "model.version": "\(trigger.modelVersion)", "source": "\(trigger.source ?? "policy")",
                        "alerts": "\(trigger.alertIDs.count)", "reason": "\(trigger.reason)",
                    ]
                )
            }
            return true
        } catch {
            core.metrics.triggers.recordFailures.increment()
            logger.error("Could not write retraining triggers to the outbox", metadata: ["error": "\(error)"])
            return false
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

    /// The duration in seconds, for Foundation's time intervals and for gauges.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
