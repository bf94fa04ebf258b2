import Synchronization

/// The agent's front door: a bounded in-memory queue that capture front ends append to and the delivery worker
/// drains.
///
/// `record` never blocks on I/O: it takes a lock for the time of an array append. When the queue holds
/// ``capacity`` items the new item is dropped and counted (`queue_full`), so a stalled delivery path can cost the
/// model data, never latency.
public final class EventRecorder: AgentEventSink {
    private struct Queue {
        var events: [AgentEvent] = []
        var labels: [AgentLabel] = []
        var recordedEvents = 0
        var recordedLabels = 0
        var droppedEvents = 0
        var droppedLabels = 0
        /// The delivery worker is waiting on the doorbell for the next item.
        var workerWaiting = false

        /// Whether the worker waits for the item just queued, which then wakes it: only the first item after the
        /// worker went idle pays for a ring (one `write`).
        mutating func takeWaitingWorker() -> Bool {
            guard workerWaiting else { return false }
            workerWaiting = false
            return true
        }
    }

    /// The most events plus labels held before new ones are dropped.
    public let capacity: Int
    private let queue: Mutex<Queue>
    /// How an idle delivery worker is woken by the next item (nil: it polls every few milliseconds instead).
    let doorbell: Doorbell?

    /// Creates an empty recorder.
    /// - Parameter capacity: the most items held between two drains (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        queue = Mutex(Queue())
        doorbell = Doorbell()
    }

    /// Appends `event` unless the queue is full.
    @discardableResult
    public func record(_ event: AgentEvent) -> Bool {
        let (accepted, wake) = queue.withLock { queue -> (Bool, Bool) in
            guard queue.events.count + queue.labels.count < capacity else {
                queue.droppedEvents += 1
                return (false, false)
            }
            queue.events.append(event)
            queue.recordedEvents += 1
            return (true, queue.takeWaitingWorker())
        }
        if wake { doorbell?.ring() }
        return accepted
    }

    /// Appends `label` unless the queue is full.
    @discardableResult
    public func record(_ label: AgentLabel) -> Bool {
        let (accepted, wake) = queue.withLock { queue -> (Bool, Bool) in
            guard queue.events.count + queue.labels.count < capacity else {
                queue.droppedLabels += 1
                return (false, false)
            }
            queue.labels.append(label)
            queue.recordedLabels += 1
            return (true, queue.takeWaitingWorker())
        }
        if wake { doorbell?.ring() }
        return accepted
    }

    /// Called by an idle delivery worker before it waits on ``doorbell``: true (and the next item rings) when the
    /// queue is empty, false when items arrived meanwhile and it should not wait.
    func workerWillWait() -> Bool {
        queue.withLock { queue in
            guard queue.events.isEmpty && queue.labels.isEmpty else { return false }
            queue.workerWaiting = true
            return true
        }
    }

    /// Wakes the delivery worker if it waits (to stop, say).
    func wakeWorker() {
        queue.withLock { $0.workerWaiting = false }
        doorbell?.ring()
    }

    /// Takes everything queued so far, oldest first, leaving the queue empty.
    ///
    /// The arrays handed back are swapped with `reuse` (emptied, capacity kept), so a steady drain loop does not
    /// reallocate them.
    func drain(into events: inout [AgentEvent], _ labels: inout [AgentLabel]) {
        events.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        queue.withLock { queue in
            swap(&queue.events, &events)
            swap(&queue.labels, &labels)
        }
    }

    /// Counters since start.
    public var counts: RecorderCounts {
        queue.withLock { queue in
            RecorderCounts(
                recordedEvents: queue.recordedEvents,
                recordedLabels: queue.recordedLabels,
                droppedEvents: queue.droppedEvents,
                droppedLabels: queue.droppedLabels,
                queued: queue.events.count + queue.labels.count
            )
        }
    }
}

/// What an ``EventRecorder`` has accepted and dropped since start.
public struct RecorderCounts: Sendable, Equatable {
    /// Events accepted into the queue.
    public var recordedEvents: Int
    /// Labels accepted into the queue.
    public var recordedLabels: Int
    /// Events dropped because the queue was full.
    public var droppedEvents: Int
    /// Labels dropped because the queue was full.
    public var droppedLabels: Int
    /// Items waiting for the delivery worker now.
    public var queued: Int
}
