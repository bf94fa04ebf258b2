import DriftProtocol
import Foundation
import ZeroMQ

/// Sends recorded wire messages verbatim over one DEALER and tracks the collector's acknowledgements per agent
/// id (the ids inside the batches), resending a batch unacknowledged for 2 s.
///
/// Owns its socket, so it lives on one thread (not `Sendable`).
final class ReplaySender {
    private struct Outstanding {
        let sequence: UInt64
        let bytes: [UInt8]
        var lastSent: ContinuousClock.Instant?
    }

    private let socket: ZeroMQSocket
    private let clock = ContinuousClock()
    private let resendAfter: Duration = .seconds(2)
    /// Per agent id, batches not yet acknowledged, oldest first.
    private var pending: [String: [Outstanding]] = [:]

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
        var entry: (String, Outstanding)?
        if let message = try? WireMessage(decoding: bytes) {
            switch message {
            case .events(let batch):
                events += batch.count
                entry = (batch.header.agentID, Outstanding(sequence: batch.header.sequence, bytes: bytes))
            case .labels(let batch):
                labels += batch.labels.count
                entry = (batch.header.agentID, Outstanding(sequence: batch.header.sequence, bytes: bytes))
            case .acknowledgement: break
            }
        } else if let (_, header) = try? bytes.withUnsafeBytes({ try WireMessage.batchHeader(of: $0) }) {
            entry = (header.agentID, Outstanding(sequence: header.sequence, bytes: bytes))
        }
        let delivered = try socket.trySend(CollectionOfOne(bytes))
        guard var (agent, outstandingEntry) = entry, outstandingEntry.sequence > 0 else {
            untracked += 1
            return
        }
        if delivered { outstandingEntry.lastSent = clock.now }
        pending[agent, default: []].append(outstandingEntry)
        outstanding += 1
    }

    /// Reads acknowledgements for up to `timeout`, then resends what is overdue.
    func pump(timeout: Duration) throws {
        if let frames = try socket.receive(timeout: timeout) {
            handle(frames)
            while let more = try socket.receive(timeout: .zero) { handle(more) }
        }
        let now = clock.now
        for agent in pending.keys.sorted() {
            guard var entries = pending[agent] else { continue }
            for index in entries.indices {
                if let last = entries[index].lastSent, now - last < resendAfter { continue }
                guard try socket.trySend(CollectionOfOne(entries[index].bytes)) else { break }
                if entries[index].lastSent != nil { resends += 1 }
                entries[index].lastSent = now
            }
            pending[agent] = entries
        }
    }

    /// Waits up to `timeout` for every batch to be acknowledged; returns whether they all were.
    func drain(timeout: Duration) throws -> Bool {
        let deadline = clock.now + timeout
        while outstanding > 0 && clock.now < deadline {
            try pump(timeout: min(deadline - clock.now, .milliseconds(100)))
        }
        return outstanding == 0
    }

    private func handle(_ frames: [ZeroMQFrame]) {
        guard frames.count == 1,
            let ack = try? frames[0].withUnsafeBytes({ (bytes) throws(ProtocolError) in
                try Acknowledgement(decoding: bytes)
            }),
            var entries = pending[ack.agentID]
        else { return }
        let before = entries.count
        entries.removeAll { $0.sequence <= ack.highestContiguousSequence }
        acknowledgedBatches += before - entries.count
        outstanding -= before - entries.count
        pending[ack.agentID] = entries.isEmpty ? nil : entries
    }
}
