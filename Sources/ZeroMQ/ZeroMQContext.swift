import CZeroMQ

/// A libzmq context: the I/O threads and the registry of sockets.
///
/// A context is safe to use from any thread (libzmq guarantees it), so this class is `Sendable`. Sockets keep
/// their context alive; the context is terminated when the last reference goes away, after every socket of it
/// has been closed, so termination never waits on an open socket.
///
/// Shutdown that never hangs: call ``shutdown()`` to make every blocking call on every socket of this context
/// return ``ZeroMQError/isTerminated``; each owning thread then closes its socket (sockets set `ZMQ_LINGER`
/// explicitly, 0 by default), and `zmq_ctx_term` runs in `deinit`.
public final class ZeroMQContext: @unchecked Sendable {
    // @unchecked: the handle is only passed to libzmq's context functions, which are thread-safe.
    let handle: UnsafeMutableRawPointer

    /// Creates a context.
    /// - Parameter ioThreads: libzmq I/O threads; one carries about a gigabyte per second.
    /// - Throws: ``ZeroMQError`` when libzmq cannot create the context.
    public init(ioThreads: Int32 = 1) throws(ZeroMQError) {
        guard let handle = zmq_ctx_new() else { throw ZeroMQError.last("zmq_ctx_new") }
        self.handle = handle
        // Non-blocky: a context never waits in zmq_ctx_term for unsent messages of sockets without linger.
        zmq_ctx_set(handle, ZMQ_BLOCKY, 0)
        if zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) != 0 {
            let error = ZeroMQError.last("zmq_ctx_set(ZMQ_IO_THREADS)")
            zmq_ctx_term(handle)
            throw error
        }
    }

    /// Makes every blocking operation on this context's sockets fail with `ETERM`, now and later.
    ///
    /// Safe to call more than once and from any thread. Sockets stay usable only for closing.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == czmq_eintr() {}
    }

    /// The libzmq version linked at run time, such as `(4, 3, 4)`.
    public static var libraryVersion: (major: Int32, minor: Int32, patch: Int32) {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (major, minor, patch)
    }

    /// Whether this libzmq build supports a capability such as `"curve"` or `"ipc"` (`zmq_has`).
    public static func supports(_ capability: String) -> Bool {
        zmq_has(capability) != 0
    }
}
