import CZeroMQ

/// A ZeroMQ socket, owned by one thread.
///
/// libzmq sockets are not thread-safe, so this type is deliberately not `Sendable`: the compiler rejects
/// sharing it between tasks or threads. Create it on the thread that uses it (typically a dedicated receive
/// thread, never the cooperative pool, since blocking calls would starve it) and let only `Sendable` values,
/// such as ``ZeroMQFrame`` or `[UInt8]`, cross to other threads.
///
/// The socket is closed when the last reference goes away, or explicitly with ``close()``. `ZMQ_LINGER` is set
/// explicitly at creation (0 by default: pending outgoing messages are dropped on close, so close never waits;
/// protocols that must not lose data acknowledge at the application level).
public final class ZeroMQSocket {
    /// The context this socket belongs to; kept alive until the socket is closed.
    public let context: ZeroMQContext
    /// The socket pattern.
    public let type: SocketType
    private var handle: UnsafeMutableRawPointer?
    /// A message reused by ``receiveFrame(options:_:)`` so the hot receive path allocates nothing.
    private let scratch: UnsafeMutablePointer<zmq_msg_t>

    /// Creates a socket of `type` in `context`.
    /// - Parameters:
    ///   - linger: how long `close` may wait to flush outgoing messages; `.zero` drops them, `nil` waits until
    ///     they are delivered (only for senders whose peer is known to be alive).
    /// - Throws: ``ZeroMQError`` (for example `ETERM` when the context was shut down, `EMFILE` when out of sockets).
    public init(_ context: ZeroMQContext, type: SocketType, linger: Duration? = .zero) throws(ZeroMQError) {
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            throw ZeroMQError.last("zmq_socket")
        }
        self.context = context
        self.type = type
        self.handle = handle
        self.scratch = .allocate(capacity: 1)
        zmq_msg_init(scratch)
        try setLinger(linger)
    }

    deinit {
        if let handle { zmq_close(handle) }
        zmq_msg_close(scratch)
        scratch.deallocate()
    }

    /// Closes the socket now. Further operations throw `ENOTSOCK`. Closing twice is harmless.
    public func close() {
        if let handle { zmq_close(handle) }
        handle = nil
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { handle == nil }

    func liveHandle(_ operation: String) throws(ZeroMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw ZeroMQError(code: czmq_enotsock(), operation: operation) }
        return handle
    }

    // MARK: Endpoints

    /// Binds to an endpoint such as `tcp://127.0.0.1:*` (ephemeral port), `tcp://*:5555` or `ipc:///run/dw.sock`.
    /// - Returns: the endpoint actually bound (`ZMQ_LAST_ENDPOINT`), with the chosen port filled in.
    @discardableResult
    public func bind(_ endpoint: String) throws(ZeroMQError) -> String {
        let handle = try liveHandle("zmq_bind")
        _ = try retryingOnInterrupt("zmq_bind(\(endpoint))") { zmq_bind(handle, endpoint) }
        return try lastEndpoint
    }

    /// Connects to an endpoint; the connection is made (and remade) in the background.
    public func connect(_ endpoint: String) throws(ZeroMQError) {
        let handle = try liveHandle("zmq_connect")
        _ = try retryingOnInterrupt("zmq_connect(\(endpoint))") { zmq_connect(handle, endpoint) }
    }

    /// Stops listening on an endpoint previously bound (use the endpoint ``bind(_:)`` returned).
    public func unbind(_ endpoint: String) throws(ZeroMQError) {
        let handle = try liveHandle("zmq_unbind")
        _ = try retryingOnInterrupt("zmq_unbind(\(endpoint))") { zmq_unbind(handle, endpoint) }
    }

    /// Disconnects from an endpoint previously connected.
    public func disconnect(_ endpoint: String) throws(ZeroMQError) {
        let handle = try liveHandle("zmq_disconnect")
        _ = try retryingOnInterrupt("zmq_disconnect(\(endpoint))") { zmq_disconnect(handle, endpoint) }
    }

    // MARK: Sending

    /// Sends one message made of `frames` (multipart when more than one). libzmq copies each frame once.
    ///
    /// Multipart messages are atomic: peers receive all frames or none.
    /// - Throws: ``ZeroMQError``; with `.dontWait`, ``ZeroMQError/isWouldBlock`` when the message cannot be queued
    ///   now (a PUSH with no peer or at its high-water mark). Nothing was queued then if it was the first frame.
    public func send<Frame: Collection<UInt8>>(
        _ frames: some Collection<Frame>,
        options: MessageOptions = []
    ) throws(ZeroMQError) {
        let handle = try liveHandle("zmq_send")
        var remaining = frames.count
        for frame in frames {
            remaining -= 1
            let flags = options.rawValue | (remaining > 0 ? ZMQ_SNDMORE : 0)
            try Self.sendFrame(handle, frame, flags: flags)
        }
    }

    /// Sends a single-frame message.
    public func send(_ frame: some Collection<UInt8>, options: MessageOptions = []) throws(ZeroMQError) {
        let handle = try liveHandle("zmq_send")
        try Self.sendFrame(handle, frame, flags: options.rawValue)
    }

    /// Sends without waiting; returns `false` (and queues nothing) when the socket cannot take the message now.
    public func trySend<Frame: Collection<UInt8>>(_ frames: some Collection<Frame>) throws(ZeroMQError) -> Bool {
        do {
            try send(frames, options: .dontWait)
            return true
        } catch  where error.isWouldBlock {
            return false
        }
    }

    private static func sendFrame(
        _ handle: UnsafeMutableRawPointer,
        _ frame: some Collection<UInt8>,
        flags: Int32
    ) throws(ZeroMQError) {
        _ = try retryingOnInterrupt("zmq_send") {
            if let sent = frame.withContiguousStorageIfAvailable({ zmq_send(handle, $0.baseAddress, $0.count, flags) })
            {
                return sent
            }
            return Array(frame).withUnsafeBufferPointer { zmq_send(handle, $0.baseAddress, $0.count, flags) }
        }
    }

    // MARK: Receiving

    /// Receives one whole message (all of its frames) without copying the bytes.
    /// - Throws: ``ZeroMQError``; with `.dontWait`, ``ZeroMQError/isWouldBlock`` when nothing is waiting;
    ///   ``ZeroMQError/isTerminated`` after the context was shut down.
    public func receive(options: MessageOptions = []) throws(ZeroMQError) -> [ZeroMQFrame] {
        let handle = try liveHandle("zmq_msg_recv")
        var frames: [ZeroMQFrame] = []
        repeat {
            // The first frame honours `options`; later frames of a multipart message are already here.
            let flags = frames.isEmpty ? options.rawValue : 0
            frames.append(try Self.receiveFrame(handle, flags: flags))
        } while try moreFramesFollow(handle)
        return frames
    }

    /// Receives one message if one arrives within `timeout`; `nil` when none did.
    public func receive(timeout: Duration) throws(ZeroMQError) -> [ZeroMQFrame]? {
        guard try poll(.readable, timeout: timeout) else { return nil }
        do {
            return try receive(options: .dontWait)
        } catch  where error.isWouldBlock {
            return nil
        }
    }

    /// Receives one frame into a buffer the socket reuses and lends its bytes to `body`; allocates nothing.
    ///
    /// The bytes are valid only during the call. `body` also learns whether more frames of the same message
    /// follow; call again to receive them (without `.dontWait` concerns: they have already arrived).
    /// - Throws: ``ZeroMQError`` as ``receive(options:)``, or what `body` throws.
    public func receiveFrame<Result>(
        options: MessageOptions = [],
        _ body: (_ bytes: UnsafeRawBufferPointer, _ moreFollow: Bool) throws -> Result
    ) throws -> Result {
        let handle = try liveHandle("zmq_msg_recv")
        let scratch = self.scratch
        let size = Int(try retryingOnInterrupt("zmq_msg_recv") { zmq_msg_recv(scratch, handle, options.rawValue) })
        let more = zmq_msg_more(scratch) != 0
        let bytes = UnsafeRawBufferPointer(start: size > 0 ? zmq_msg_data(scratch) : nil, count: size)
        return try body(bytes, more)
    }

    /// Receives one message and copies its frames into arrays.
    public func receiveBytes(options: MessageOptions = []) throws(ZeroMQError) -> [[UInt8]] {
        try receive(options: options).map(\.bytes)
    }

    private static func receiveFrame(_ handle: UnsafeMutableRawPointer, flags: Int32) throws(ZeroMQError) -> ZeroMQFrame
    {
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        zmq_msg_init(message)
        do {
            _ = try retryingOnInterrupt("zmq_msg_recv") { zmq_msg_recv(message, handle, flags) }
        } catch {
            zmq_msg_close(message)
            message.deallocate()
            throw error
        }
        return ZeroMQFrame(taking: message)
    }

    private func moreFramesFollow(_ handle: UnsafeMutableRawPointer) throws(ZeroMQError) -> Bool {
        var more: Int32 = 0
        var size = MemoryLayout<Int32>.size
        _ = try retryingOnInterrupt("zmq_getsockopt(ZMQ_RCVMORE)") { zmq_getsockopt(handle, ZMQ_RCVMORE, &more, &size) }
        return more != 0
    }

    // MARK: Polling one socket

    /// Waits up to `timeout` until the socket is ready for `events`; `true` when it is.
    public func poll(_ events: PollEvents, timeout: Duration) throws(ZeroMQError) -> Bool {
        let handle = try liveHandle("zmq_poll")
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(events.rawValue), revents: 0)
        let ready = try retryingOnInterrupt("zmq_poll") { zmq_poll(&item, 1, timeout.pollMilliseconds) }
        return ready > 0 && (Int32(item.revents) & events.rawValue) != 0
    }
}

// Sockets must stay on the thread that owns them; the compiler enforces that no socket crosses isolation.
@available(*, unavailable)
extension ZeroMQSocket: Sendable {}

extension Duration {
    /// Whole milliseconds, rounded up so that a short positive wait never becomes "do not wait".
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let partial = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return seconds * 1000 + partial
    }

    /// The timeout `zmq_poll` takes: milliseconds, rounded up and clamped. A negative duration — a deadline that
    /// passed between the caller's check and its subtraction — means "do not wait" (0), never libzmq's "wait
    /// forever" (-1): that reading once left a replay blocked in a poll no message would end, deaf to SIGTERM.
    var pollMilliseconds: Int {
        self <= .zero ? 0 : Int(clamping: milliseconds)
    }
}
