import CZeroMQ

/// One received frame, holding libzmq's message buffer without copying it.
///
/// The bytes are immutable after receipt and a `zmq_msg_t` may be closed from any thread, so a frame is
/// `Sendable`: a receive thread can hand frames to async code that decodes them.
public final class ZeroMQFrame: @unchecked Sendable {
    // @unchecked: `message` is written only in init (by zmq_msg_recv on the receiving thread, before the frame is
    // published) and read-only afterwards; zmq_msg_close in deinit runs exactly once.
    private let message: UnsafeMutablePointer<zmq_msg_t>

    /// Takes ownership of an initialised message (the caller must not close it).
    init(taking message: UnsafeMutablePointer<zmq_msg_t>) {
        self.message = message
    }

    deinit {
        zmq_msg_close(message)
        message.deallocate()
    }

    /// Number of bytes in the frame.
    public var count: Int { zmq_msg_size(message) }

    /// Calls `body` with the frame's bytes, valid only during the call. No copy is made.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let size = zmq_msg_size(message)
        guard size > 0, let data = zmq_msg_data(message) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: data, count: size))
    }

    /// A copy of the frame's bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
}
