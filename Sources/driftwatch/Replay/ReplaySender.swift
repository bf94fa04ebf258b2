import DriftAgent
import DriftProtocol
import Foundation
import ZeroMQ

/// Sends recorded wire messages verbatim over one DEALER and tracks the collector's acknowledgements per agent
/// id (the ids inside the batches), resending with the rule every driftwatch sender shares (``InFlightWindow``):
/// a batch unacknowledged for 2 s goes again only while that agent's acknowledgements have stalled.
///
/// Owns its socket, so it lives on one thread (not `Sendable`).
final class ReplaySender {
    private let socket: ZeroMQSocket
    private let clock = ContinuousClock()
    private let resendAfter: Duration = .seconds(2)
    /// Per agent id, batches not yet acknowledged.
    private var pending: [String: InFlightWindow<[UInt8]>] = [:]

    /// Batches waiting for an acknowledgement.
    private(set) var outstanding = 0
    /// Batches acknowledged.
    private(set) var acknowledgedBatches = 0
    /// Sends of a batch after its first.
    private(set) var resends = 0
    /// Messages sent that are not acknowledged batches (no readable header, sequence 0).
    private(set) var untracked = 0
    /// Events in the batches sent.
    private(set) var events = 0
    /// Labels in the batches sent.
    private(set) var labels = 0

    init(context: ZeroMQContext, endpoint: String, routingID: String) throws {
        socket = try ZeroMQSocket(context, type: .dealer, linger: .zero)
        try socket.setRoutingID(Array(routingID.utf8))
        try socket.setSendHighWaterMark(100_000)
        try socket.connect(endpoint)
    }

    /// Sends one message and, when it is a numbered batch, keeps it until acknowledged.
    func send(_ bytes: [UInt8]) throws {
        var header: BatchHeader?
        if let message = try? WireMessage(decoding: bytes) {
            switch message {
            case .events(let batch):
                events += batch.count
                header = batch.header
            case .labels(let batch):
                labels += batch.labels.count
                header = batch.header
            case .acknowledgement: break
            }
        } else if let (_, readable) = try? bytes.withUnsafeBytes({ try WireMessage.batchHeader(of: $0) }) {
            header = readable
        }
        let delivered = try socket.trySend(CollectionOfOne(bytes))
        guard let header, header.sequence > 0 else {
            untracked += 1
            return
        }
        let now = clock.now
        pending[header.agentID, default: InFlightWindow(resendAfter: resendAfter, now: now)].append(
            sequence: header.sequence,
            payload: bytes,
            sentAt: delivered ? now : nil
        )
        outstanding += 1
    }

    /// Reads acknowledgements for up to `timeout`, then resends what is due.
    func pump(timeout: Duration) throws {
        if let frames = try socket.receive(timeout: timeout) {
            handle(frames)
            while let more = try socket.receive(timeout: .zero) { handle(more) }
        }
        let now = clock.now
        for agent in pending.keys.sorted() {
            resends += try pending[agent]?.resendDue(now: now) { try socket.trySend(CollectionOfOne($0.payload)) } ?? 0
        }
    }

    /// Waits until every batch is acknowledged, giving up once acknowledgements have not advanced for
    /// `stallTimeout` (a collector still working through a deep queue is waited for, a silent one is not).
    /// Returns whether they all were.
    func drain(stallTimeout: Duration) throws -> Bool {
        try AcknowledgementDrain.run(stallTimeout: stallTimeout, outstanding: { outstanding }, pump: pump(timeout:))
    }

    private func handle(_ frames: [ZeroMQFrame]) {
        guard frames.count == 1,
            let ack = try? frames[0].withUnsafeBytes({ (bytes) throws(ProtocolError) in
                try Acknowledgement(decoding: bytes)
            }),
            pending[ack.agentID] != nil
        else { return }
        let released = pending[ack.agentID]?.acknowledge(through: ack.highestContiguousSequence, now: clock.now) ?? 0
        acknowledgedBatches += released
        outstanding -= released
        if pending[ack.agentID]?.isEmpty == true { pending[ack.agentID] = nil }
    }
}
