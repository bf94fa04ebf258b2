import Testing

@testable import DriftCollector

@Suite("Acknowledgement tracker")
struct AcknowledgementTrackerTests {
    @Test("Sequences are accepted once, in any order, and acknowledged cumulatively")
    func cumulative() {
        var tracker = AcknowledgementTracker()
        #expect(tracker.record(agent: "a", sequence: 1) == (.accept, 1))
        #expect(tracker.record(agent: "a", sequence: 3) == (.accept, 1))
        #expect(tracker.record(agent: "a", sequence: 3) == (.duplicate, 1))
        #expect(tracker.record(agent: "a", sequence: 2) == (.accept, 3))
        #expect(tracker.record(agent: "a", sequence: 1) == (.duplicate, 3))
    }

    @Test("An agent it has no record of starts at its first sequence instead of stalling")
    func unknownAgentIsAdopted() {
        var tracker = AcknowledgementTracker()
        #expect(tracker.record(agent: "long-lived", sequence: 5000) == (.accept, 5000))
        #expect(tracker.record(agent: "long-lived", sequence: 5001) == (.accept, 5001))
        #expect(tracker.record(agent: "long-lived", sequence: 4999) == (.duplicate, 5001))
        #expect(tracker.acknowledged(agent: "other") == 0)
    }
}
