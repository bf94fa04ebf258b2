import DriftAgent
import DriftProtocol
import Foundation
import ZeroMQ

/// Delivers numbered batches to a collector like an agent does (docs/protocol.md §1): a DEALER whose routing id
/// is the agent id, sequence numbers from 1, a bounded window of unacknowledged batches that are resent after a
/// timeout, and cumulative acknowledgements that release them.
///
/// Owns its socket, so it lives on one thread (not `Sendable`). Sends never block: a batch libzmq cannot queue
/// now stays in the window and goes out with the next resend.
final class AcknowledgedSender {
    /// The agent id: the DEALER's routing id and the id in every batch header.
    let agentID: String
    /// The most batches kept unacknowledged before ``send(_:stop:)`` waits for acknowledgements.
    let capacity: Int

    private let socket: ZeroMQSocket
    private let clock = ContinuousClock()
    /// Batches not yet acknowledged, with the resend rule every driftwatch sender shares.
    private var window: InFlightWindow<[UInt8]>

    /// The sequence number the next batch gets.
    private(set) var nextSequence: UInt64 = 1
    /// Batches sent at least once.
    private(set) var batchesSent = 0
    /// Sends of a batch after its first.
    private(set) var resends = 0
    /// Times ``send(_:stop:)`` had to wait because the window was full.
    private(set) var windowFullWaits = 0
    /// Acknowledgements that could not be decoded or named another agent.
    private(set) var badAcknowledgements = 0

    /// The highest sequence N such that the collector confirmed batches 1…N.
    var acknowledged: UInt64 { window.acknowledged }

    /// Batches sent (or queued) and not yet acknowledged.
    var unacknowledged: Int { window.count }

    /// Connects a DEALER with routing id `agentID` to `endpoint`.
    init(
        context: ZeroMQContext,
        endpoint: String,
        agentID: String,
        capacity: Int,
        resendAfter: Duration
    ) throws {
        self.agentID = agentID
        self.capacity = capacity
        window = InFlightWindow(resendAfter: resendAfter, now: clock.now)
        socket = try ZeroMQSocket(context, type: .dealer, linger: .zero)
        try socket.setRoutingID(Array(agentID.utf8))
        try socket.setSendHighWaterMark(Int32(clamping: capacity * 2))
        try socket.connect(endpoint)
    }

    /// Sends the batch that `encode` builds for the next sequence number; waits for room in the window first
    /// (reading acknowledgements and resending) unless `stop` says to give up waiting: the last batches of a
    /// stopped run are kept beyond the window rather than lost.
    func send(_ encode: (UInt64) throws -> [UInt8], stop: StopSignal) throws {
        if unacknowledged >= capacity && !stop.isRequested {
            if windowFullWaits == 0 {
                printError(
                    "simulate: \(capacity) batches unacknowledged; waiting for acknowledgements before sending more"
                )
            }
            windowFullWaits += 1
            while unacknowledged >= capacity && !stop.isRequested {
                try pump(timeout: .milliseconds(50))
            }
        }
        let sequence = nextSequence
        let bytes = try encode(sequence)
        nextSequence += 1
        let sent = try socket.trySend(CollectionOfOne(bytes))
        window.append(sequence: sequence, payload: bytes, sentAt: sent ? clock.now : nil)
        batchesSent += 1
    }

    /// Reads acknowledgements for up to `timeout` (returns after the first burst), then resends what is due.
    func pump(timeout: Duration) throws {
        if let frames = try socket.receive(timeout: timeout) {
            handle(frames)
            while let more = try socket.receive(timeout: .zero) { handle(more) }
        }
        resends += try window.resendDue(now: clock.now) { try socket.trySend(CollectionOfOne($0.payload)) }
    }

    /// Waits until every batch is acknowledged, giving up once acknowledgements have not advanced for
    /// `stallTimeout`: a collector still working through a deep queue is waited for, a silent one is not.
    /// Returns whether they all were.
    func drain(stallTimeout: Duration) throws -> Bool {
        try AcknowledgementDrain.run(stallTimeout: stallTimeout, outstanding: { unacknowledged }, pump: pump(timeout:))
    }

    private func handle(_ frames: [ZeroMQFrame]) {
        guard frames.count == 1,
            let ack = try? frames[0].withUnsafeBytes({ (bytes) throws(ProtocolError) in
                try Acknowledgement(decoding: bytes)
            }),
            ack.agentID == agentID
        else {
            badAcknowledgements += 1
            return
        }
        window.acknowledge(through: min(ack.highestContiguousSequence, nextSequence - 1), now: clock.now)
    }
}
