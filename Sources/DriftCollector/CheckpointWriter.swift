import DriftEngine
import Foundation
import Logging
import Synchronization

/// What a checkpoint holds, taken together on the ingest thread so that the engine's windows and the
/// acknowledgement cursors (which batches those windows already contain) always match.
struct CheckpointState: Sendable {
    var engine: MonitorEngine
    var acknowledgements: AcknowledgementTracker
    var triggers: TriggerEvaluator
    var savedAt: Int64
}

/// Encodes and saves checkpoints on a thread of its own, so the ingest thread never waits for them.
///
/// With many models a checkpoint is large (every window, sketch and waiting prediction) and encoding it takes
/// long enough that ingest, blocked behind it, stopped acknowledging: agents then resent their whole in-flight
/// window, adding load exactly when the collector was busiest. The ingest thread now only copies its state (the
/// engine is a value type, so the copy shares storage until ingest next writes to it) and goes on. At most one
/// periodic checkpoint runs at a time; one that comes due while the last is still being written is skipped, and
/// the next interval tries again. Checkpoints asked for by a command and the final one at shutdown wait for the
/// running one and are then written in order, so an older state never overwrites a newer one.
final class CheckpointWriter: Sendable {
    private let store: CheckpointStore
    private let core: CollectorCore
    private let logger: Logger
    private let queue = DispatchQueue(label: "driftwatch.collector.checkpoint")
    private let writing = Atomic<Bool>(false)

    init(store: CheckpointStore, core: CollectorCore, logger: Logger) {
        self.store = store
        self.core = core
        self.logger = logger
    }

    /// Starts writing `state` in the background.
    /// - Returns: false, writing nothing, when the previous checkpoint is still being written.
    @discardableResult
    func writeInBackground(_ state: CheckpointState) -> Bool {
        guard !writing.exchange(true, ordering: .acquiringAndReleasing) else {
            core.metrics.checkpointsSkipped.increment()
            return false
        }
        queue.async { [self] in
            write(state)
            writing.store(false, ordering: .releasing)
        }
        return true
    }

    /// Writes `state` once the checkpoint being written, if any, is saved; returns when it is saved.
    func writeNow(_ state: CheckpointState) {
        queue.sync { write(state) }
    }

    private func write(_ state: CheckpointState) {
        let started = ContinuousClock.now
        defer { core.metrics.checkpointSeconds.set((ContinuousClock.now - started).seconds) }
        do {
            let encoder = CheckpointCoding.encoder()
            let blobs = [
                "engine": try encoder.encode(state.engine.checkpoint()),
                "acknowledgements": try encoder.encode(state.acknowledgements),
            ]
            try store.save(blobs, savedAt: state.savedAt)
            try core.triggers?.saveEvaluator(try encoder.encode(state.triggers))
            core.metrics.checkpointSuccesses.increment()
        } catch {
            core.metrics.checkpointFailures.increment()
            logger.error("Could not write a checkpoint", metadata: ["error": "\(error)"])
        }
    }
}
