import DriftProtocol
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// Delivers retraining triggers from the durable ``TriggerOutbox`` to every configured ``TriggerSink``, at least
/// once, each sink on its own thread (ZeroMQ calls, command runs and HTTP waits block).
///
/// A worker claims the deliveries that are due (marking them `delivering` before the attempt), sends each with its
/// sink's sender, and records the outcome: `delivered`, or `retrying` with the next attempt after
/// ``TriggerBackoff`` (exponential, jittered, capped). A new trigger is picked up within ``pollInterval``. Nothing is
/// ever given up: a trigger is retried until its sink acknowledges it, across restarts. It runs before ingest in the
/// service group, so it stops after it; on shutdown a worker finishes its current attempt (at most one timeout).
struct TriggerDeliveryService: Service {
    /// How often an idle worker looks for due deliveries.
    static let pollInterval: Duration = .milliseconds(100)
    /// Deliveries claimed at once by a worker.
    static let claimLimit = 16

    let outbox: TriggerOutbox
    let sinks: [TriggerSink]
    let timeout: Duration
    let backoff: TriggerBackoff
    let metrics: TriggerMetrics
    let logger: Logger
    /// The collector's key pair, presented to receivers of ZeroMQ sinks that have a CURVE server key.
    var curveKeyPair: CurveKeyPair? = nil

    func run() async throws {
        guard !sinks.isEmpty else { return }
        let stop = StopFlag()
        let (outbox, sinks, timeout, backoff, metrics, logger) = (outbox, sinks, timeout, backoff, metrics, logger)
        let keyPair = curveKeyPair
        let context = try ZeroMQContext()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for sink in sinks {
                    group.addTask {
                        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                            let thread = Thread {
                                let worker = TriggerDeliveryWorker(
                                    outbox: outbox,
                                    sink: sink,
                                    sender: Self.sender(
                                        for: sink,
                                        timeout: timeout,
                                        context: context,
                                        keyPair: keyPair
                                    ),
                                    backoff: backoff,
                                    metrics: metrics,
                                    logger: logger,
                                    stop: stop
                                )
                                worker.run()
                                continuation.resume()
                            }
                            thread.name = "driftwatch-trigger-\(sink.kind)"
                            thread.start()
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            stop.set()
        }
        context.shutdown()
    }

    static func sender(
        for sink: TriggerSink,
        timeout: Duration,
        context: ZeroMQContext,
        keyPair: CurveKeyPair?
    ) -> any TriggerSender {
        switch sink {
        case .zeroMQ(let endpoint, let serverKey):
            ZeroMQTriggerSender(
                endpoint: endpoint,
                timeout: timeout,
                context: context,
                curve: serverKey.flatMap { key in keyPair.map { (serverKey: key, keyPair: $0) } }
            )
        case .webhook(let url): WebhookTriggerSender(url: url, timeout: timeout)
        case .exec(let command): ExecTriggerSender(command: command, timeout: timeout)
        }
    }

    /// Set once on graceful shutdown; read by every worker thread.
    final class StopFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        func set() { flag.store(true, ordering: .releasing) }
        var isSet: Bool { flag.load(ordering: .acquiring) }
    }
}

/// One sink's delivery loop, on its own thread.
struct TriggerDeliveryWorker {
    let outbox: TriggerOutbox
    let sink: TriggerSink
    let sender: any TriggerSender
    let backoff: TriggerBackoff
    let metrics: TriggerMetrics
    let logger: Logger
    let stop: TriggerDeliveryService.StopFlag

    func run() {
        var generator = SystemRandomNumberGenerator()
        let name = sink.name
        while !stop.isSet {
            let claims: [TriggerOutbox.Claim]
            do {
                claims = try outbox.claimDue(
                    sink: name,
                    now: wallClockNanoseconds(),
                    limit: TriggerDeliveryService.claimLimit
                )
            } catch {
                logger.error("Could not read the trigger outbox", metadata: ["sink": "\(name)", "error": "\(error)"])
                claims = []
            }
            if claims.isEmpty {
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            for (index, claim) in claims.enumerated() {
                guard let retryAt = deliver(claim, generator: &generator) else { continue }
                // The sink is failing: the rest of the batch waits for the same retry instead of a timeout each.
                let rest = claims[(index + 1)...].map(\.triggerID)
                if !rest.isEmpty {
                    try? outbox.release(rest, sink: name, retryAt: retryAt)
                }
                break
            }
        }
    }

    /// Makes one attempt; returns when to retry if it failed.
    private func deliver(_ claim: TriggerOutbox.Claim, generator: inout SystemRandomNumberGenerator) -> Int64? {
        let name = sink.name
        let body = Array(claim.body)
        let summary: TriggerSummary
        do {
            let trigger = try JSONBody.decode(RetrainTrigger.self, from: body)
            summary = TriggerSummary(
                id: trigger.id,
                model: trigger.model,
                modelVersion: trigger.modelVersion,
                reason: trigger.reason,
                createdAt: trigger.createdAt,
                dataStart: trigger.dataWindow.start,
                dataEnd: trigger.dataWindow.end,
                source: trigger.source ?? "policy"
            )
        } catch {
            summary = TriggerSummary(
                id: claim.triggerID,
                model: "",
                modelVersion: "",
                reason: "",
                createdAt: 0,
                dataStart: 0,
                dataEnd: 0,
                source: ""
            )
        }
        let attempt = claim.attempts + 1
        let failure = sender.deliver(summary, body: body, attempt: attempt)
        metrics.attempt(sink, delivered: failure == nil)
        let metadata: Logger.Metadata = [
            "trigger.id": "\(claim.triggerID)", "model": "\(summary.model)", "sink": "\(name)",
            "attempt": "\(attempt)",
        ]
        var retryAt: Int64?
        do {
            if let failure {
                let delay = backoff.delayNanoseconds(afterFailures: attempt, using: &generator)
                retryAt = wallClockNanoseconds() + delay
                try outbox.markFailed(claim.triggerID, sink: name, error: failure, retryAt: retryAt ?? 0)
                var details = metadata
                details["error"] = "\(failure)"
                details["retry_in_ms"] = "\(delay / 1_000_000)"
                logger.warning("Trigger delivery failed; will retry", metadata: details)
            } else {
                try outbox.markDelivered(claim.triggerID, sink: name, now: wallClockNanoseconds())
                logger.info("Trigger delivered", metadata: metadata)
            }
        } catch {
            // The attempt stays `delivering`; the next start retries it (at-least-once).
            logger.error("Could not record a trigger delivery", metadata: ["sink": "\(name)", "error": "\(error)"])
        }
        return retryAt
    }
}
