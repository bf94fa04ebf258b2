import DequeModule

/// The sender's half of acknowledged delivery (docs/protocol.md §1): batches sent and not yet covered by the
/// collector's cumulative acknowledgement, oldest first, and when each was last sent.
///
/// One rule decides resends for every sender (the agent's delivery worker, `driftwatch simulate`, `driftwatch
/// replay`): an overdue batch is sent again only while acknowledgements have stopped advancing for
/// ``resendAfter``. A collector that is slow but progressing already holds the batches in its queue, and resending
/// them would only add to its load; one that has gone silent (restarted, unreachable) gets them again. A batch that
/// could not be queued at all (`lastSent == nil`) is due at once.
///
/// Generic over what an entry carries: the bytes to resend, or nothing when they live elsewhere (the agent's spool).
public struct InFlightWindow<Payload> {
    /// One batch waiting for its acknowledgement.
    public struct Entry {
        /// The batch's sequence number.
        public let sequence: UInt64
        /// What the sender keeps to resend it.
        public let payload: Payload
        /// When it was last handed to the socket; nil when it never was.
        public fileprivate(set) var lastSent: ContinuousClock.Instant?
    }

    /// How long acknowledgements must stall, and a batch wait, before it is sent again.
    public let resendAfter: Duration
    /// The highest sequence N the collector confirmed as received with everything before it.
    public private(set) var acknowledged: UInt64
    private var entries: Deque<Entry> = []
    private var lastProgress: ContinuousClock.Instant
    /// Entries never handed to the socket, so the common case (nothing stalled, everything sent) costs nothing.
    private var neverSent = 0

    /// Creates an empty window.
    /// - Parameters:
    ///   - resendAfter: the stall (and age) after which a batch is resent.
    ///   - acknowledged: what is already acknowledged (a resumed spool's cursor), default 0.
    ///   - now: the start time, which counts as progress.
    public init(resendAfter: Duration, acknowledged: UInt64 = 0, now: ContinuousClock.Instant) {
        self.resendAfter = resendAfter
        self.acknowledged = acknowledged
        lastProgress = now
    }

    /// Batches waiting for an acknowledgement.
    public var count: Int { entries.count }

    /// Whether no batch is waiting.
    public var isEmpty: Bool { entries.isEmpty }

    /// The oldest waiting batch.
    public var oldest: Entry? { entries.first }

    /// Adds a batch after its first send attempt.
    /// - Parameters:
    ///   - sequence: its sequence number (greater than every one already in the window).
    ///   - payload: what to keep for resends.
    ///   - sentAt: when the socket took it, or nil when it could not be queued.
    public mutating func append(sequence: UInt64, payload: Payload, sentAt: ContinuousClock.Instant?) {
        entries.append(Entry(sequence: sequence, payload: payload, lastSent: sentAt))
        if sentAt == nil { neverSent += 1 }
    }

    /// Applies a cumulative acknowledgement: releases every batch up to `sequence` from the front of the window
    /// (also when it repeats an earlier acknowledgement: a resent batch the collector already had is released).
    /// - Parameters:
    ///   - sequence: the acknowledgement's highest contiguous sequence.
    ///   - now: when it arrived (progress, when it advances).
    /// - Returns: how many batches it released.
    @discardableResult
    public mutating func acknowledge(through sequence: UInt64, now: ContinuousClock.Instant) -> Int {
        if sequence > acknowledged {
            acknowledged = sequence
            lastProgress = now
        }
        var released = 0
        while let first = entries.first, first.sequence <= sequence {
            if first.lastSent == nil { neverSent -= 1 }
            entries.removeFirst()
            released += 1
        }
        return released
    }

    /// Resends what is due, oldest first, until `send` reports a full socket.
    /// - Parameters:
    ///   - now: the current time.
    ///   - send: hands an entry to the socket; false when it cannot take more now (the rest wait).
    /// - Returns: the number of entries sent again (first sends of never-queued entries not counted).
    public mutating func resendDue(
        now: ContinuousClock.Instant,
        _ send: (Entry) throws -> Bool
    ) rethrows -> Int {
        let stalled = now - lastProgress >= resendAfter
        guard stalled || neverSent > 0 else { return 0 }
        var resends = 0
        for index in entries.indices {
            let entry = entries[index]
            if let lastSent = entry.lastSent, !stalled || now - lastSent < resendAfter { continue }
            guard try send(entry) else { break }
            if entry.lastSent == nil { neverSent -= 1 } else { resends += 1 }
            entries[index].lastSent = now
        }
        return resends
    }
}

extension InFlightWindow: Sendable where Payload: Sendable {}
extension InFlightWindow.Entry: Sendable where Payload: Sendable {}
