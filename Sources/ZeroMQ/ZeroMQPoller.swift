import CZeroMQ

/// Events a poller waits for.
public struct PollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// A message can be received without blocking.
    public static let readable = PollEvents(rawValue: ZMQ_POLLIN)
    /// A message can be sent without blocking.
    public static let writable = PollEvents(rawValue: ZMQ_POLLOUT)
}

/// Waits on several sockets of one thread at once (`zmq_poll`).
///
/// Like the sockets it polls, a poller belongs to one thread and is not `Sendable`.
public struct ZeroMQPoller {
    private var sockets: [ZeroMQSocket] = []
    private var items: [zmq_pollitem_t] = []

    /// An empty poller.
    public init() {}

    /// Adds a socket to watch for `events`.
    /// - Returns: the index that ``poll(timeout:)`` reports for this socket.
    @discardableResult
    public mutating func register(_ socket: ZeroMQSocket, for events: PollEvents = .readable) throws(ZeroMQError) -> Int
    {
        let handle = try socket.liveHandle("zmq_poll")
        sockets.append(socket)
        items.append(zmq_pollitem_t(socket: handle, fd: 0, events: Int16(events.rawValue), revents: 0))
        return items.count - 1
    }

    /// Adds a plain file descriptor (a pipe, a socket of the operating system) to watch for `events` beside the
    /// ZeroMQ sockets. The caller keeps it open while the poller is in use.
    /// - Returns: the index that ``poll(timeout:)`` reports for this descriptor.
    @discardableResult
    public mutating func register(fileDescriptor: Int32, for events: PollEvents = .readable) -> Int {
        items.append(zmq_pollitem_t(socket: nil, fd: fileDescriptor, events: Int16(events.rawValue), revents: 0))
        return items.count - 1
    }

    /// Waits up to `timeout` (forever when `nil`) for any registered socket or descriptor to become ready.
    /// - Returns: the ready sockets' indices and the events each is ready for; empty on timeout.
    public mutating func poll(timeout: Duration?) throws(ZeroMQError) -> [(index: Int, events: PollEvents)] {
        let milliseconds = timeout?.pollMilliseconds ?? -1
        let count = items.count
        let ready = try items.withUnsafeMutableBufferPointer { (buffer) throws(ZeroMQError) -> Int32 in
            try retryingOnInterrupt("zmq_poll") { zmq_poll(buffer.baseAddress, Int32(count), milliseconds) }
        }
        guard ready > 0 else { return [] }
        var result: [(index: Int, events: PollEvents)] = []
        for (index, item) in items.enumerated() where item.revents != 0 {
            result.append((index, PollEvents(rawValue: Int32(item.revents))))
        }
        return result
    }
}

@available(*, unavailable)
extension ZeroMQPoller: Sendable {}
