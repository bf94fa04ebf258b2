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
    }

    /// The most events plus labels held before new ones are dropped.
    public let capacity: Int
    private let queue: Mutex<Queue>

    /// Creates an empty recorder.
    /// - Parameter capacity: the most items held between two drains (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        queue = Mutex(Queue())
    }

    /// Appends `event` unless the queue is full.
    @discardableResult
    public func record(_ event: AgentEvent) -> Bool {
        queue.withLock { queue in
            guard queue.events.count + queue.labels.count < capacity else {
                queue.droppedEvents += 1
                return false
            }
            queue.events.append(event)
            queue.recordedEvents += 1
            return true
        }
    }

    /// Appends `label` unless the queue is full.
    @discardableResult
    public func record(_ label: AgentLabel) -> Bool {
        queue.withLock { queue in
            guard queue.events.count + queue.labels.count < capacity else {
                queue.droppedLabels += 1
                return false
            }
            queue.labels.append(label)
            queue.recordedLabels += 1
            return true
        }
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
