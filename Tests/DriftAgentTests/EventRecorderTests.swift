import Glibc
import Testing

@testable import DriftAgent

/// The recorder's queue and the doorbell that wakes an idle delivery worker.
@Suite("Event recorder")
struct EventRecorderTests {
    /// Whether the doorbell's descriptor is readable now (a ring is pending).
    static func ringing(_ doorbell: Doorbell) -> Bool {
        var descriptor = pollfd(fd: doorbell.readEnd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 1
    }

    @Test("An idle worker is woken by the first item only; items already queued keep it from waiting")
    func doorbell() throws {
        let recorder = EventRecorder(capacity: 10)
        let doorbell = try #require(recorder.doorbell)
        // A worker that is not waiting is never rung: the hot path costs a lock and an append.
        recorder.record(AgentEvent(model: "m", timestamp: 1))
        #expect(!Self.ringing(doorbell))
        // With an item queued the worker must not wait.
        #expect(!recorder.workerWillWait())
        var events: [AgentEvent] = []
        var labels: [AgentLabel] = []
        recorder.drain(into: &events, &labels)
        #expect(events.count == 1)

        // Idle: the next item rings once, the one after does not.
        #expect(recorder.workerWillWait())
        #expect(!Self.ringing(doorbell))
        recorder.record(AgentEvent(model: "m", timestamp: 2))
        #expect(Self.ringing(doorbell))
        doorbell.answer()
        #expect(!Self.ringing(doorbell))
        recorder.record(AgentLabel(model: "m", timestamp: 3, requestID: "r", groundTruth: .number(1)))
        #expect(!Self.ringing(doorbell))

        // A label wakes it too, and a stop wakes it whatever the queue holds.
        recorder.drain(into: &events, &labels)
        #expect(recorder.workerWillWait())
        recorder.record(AgentLabel(model: "m", timestamp: 4, requestID: "s", groundTruth: .number(0)))
        #expect(Self.ringing(doorbell))
        doorbell.answer()
        recorder.wakeWorker()
        #expect(Self.ringing(doorbell))
    }

    @Test("A full queue drops and counts new items without ringing")
    func fullQueue() throws {
        let recorder = EventRecorder(capacity: 1)
        let doorbell = try #require(recorder.doorbell)
        #expect(recorder.workerWillWait())
        #expect(recorder.record(AgentEvent(model: "m", timestamp: 1)))
        doorbell.answer()
        #expect(!recorder.record(AgentEvent(model: "m", timestamp: 2)))
        #expect(!Self.ringing(doorbell))
        #expect(recorder.counts.droppedEvents == 1)
        #expect(recorder.counts.queued == 1)
    }
}
