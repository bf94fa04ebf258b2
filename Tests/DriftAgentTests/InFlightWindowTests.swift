import Testing

@testable import DriftAgent

/// The resend rule every driftwatch sender shares.
@Suite("In-flight window")
struct InFlightWindowTests {
    let start = ContinuousClock.now

    func window() -> InFlightWindow<Int> {
        var window = InFlightWindow<Int>(resendAfter: .seconds(2), now: start)
        for sequence in 1...5 { window.append(sequence: UInt64(sequence), payload: sequence * 10, sentAt: start) }
        return window
    }

    @Test("Cumulative acknowledgements release the front of the window; a repeated one still releases resends")
    func acknowledgements() {
        var window = window()
        #expect(window.acknowledge(through: 3, now: start) == 3)
        #expect(window.acknowledged == 3)
        #expect(window.oldest?.payload == 40)
        #expect(window.acknowledge(through: 2, now: start) == 0)
        window.append(sequence: 6, payload: 60, sentAt: start)
        #expect(window.acknowledge(through: 6, now: start) == 3)
        #expect(window.isEmpty)
    }

    @Test("Overdue batches are resent only while acknowledgements stall")
    func resendOnlyWhenStalled() {
        var window = window()
        var sent: [Int] = []
        // Acknowledgements advancing 1 s ago: the overdue batches are not resent.
        window.acknowledge(through: 1, now: start + .seconds(2))
        #expect(
            window.resendDue(now: start + .seconds(3)) {
                sent.append($0.payload)
                return true
            } == 0
        )
        #expect(sent.isEmpty)
        // Two seconds without progress: every overdue batch goes again, once.
        #expect(
            window.resendDue(now: start + .seconds(4)) {
                sent.append($0.payload)
                return true
            } == 4
        )
        #expect(sent == [20, 30, 40, 50])
        #expect(
            window.resendDue(now: start + .seconds(5)) {
                sent.append($0.payload)
                return true
            } == 0
        )
        #expect(
            window.resendDue(now: start + .seconds(6)) {
                sent.append($0.payload)
                return true
            } == 4
        )
    }

    @Test("A batch that was never queued goes at once, and a full socket stops the pass")
    func neverSent() {
        var window = window()
        window.append(sequence: 6, payload: 60, sentAt: nil)
        window.append(sequence: 7, payload: 70, sentAt: nil)
        var sent: [Int] = []
        var room = 1
        let resent = window.resendDue(now: start) { entry in
            guard room > 0 else { return false }
            room -= 1
            sent.append(entry.payload)
            return true
        }
        #expect(resent == 0, "a first send is not a resend")
        #expect(sent == [60])
        #expect(
            window.resendDue(now: start + .milliseconds(1)) {
                sent.append($0.payload)
                return true
            } == 0
        )
        #expect(sent == [60, 70])
    }
}
