import CZeroMQ

/// An error reported by libzmq, carrying the `errno` value and libzmq's text for it.
public struct ZeroMQError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `errno` value libzmq reported (for example `EAGAIN`, `ETERM`, `EADDRINUSE`).
    public let code: Int32
    /// The libzmq call or wrapper operation that failed, such as `"zmq_bind"`.
    public let operation: String
    /// libzmq's human-readable text for ``code`` (`zmq_strerror`).
    public var message: String { String(cString: zmq_strerror(code)) }

    /// Creates an error for `operation` with an explicit `errno` value.
    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// Captures the calling thread's `errno` right after a failed `zmq_*` call.
    static func last(_ operation: String) -> ZeroMQError {
        ZeroMQError(code: czmq_errno(), operation: operation)
    }

    /// `true` when a non-blocking operation could not proceed now (`EAGAIN`): "nothing now", not a failure.
    public var isWouldBlock: Bool { code == czmq_eagain() }
    /// `true` when the context was shut down or terminated (`ETERM`): the owner must close its sockets.
    public var isTerminated: Bool { code == czmq_eterm() }
    /// `true` when a signal interrupted the call (`EINTR`); the wrapper retries these itself.
    public var isInterrupted: Bool { code == czmq_eintr() }
    /// `true` when a ROUTER could not route to the given peer (`EHOSTUNREACH`, with `ZMQ_ROUTER_MANDATORY`).
    public var isHostUnreachable: Bool { code == czmq_ehostunreach() }

    public var description: String { "\(operation) failed: \(message) (errno \(code))" }
}

/// Calls `body` until it succeeds or fails with anything but `EINTR`; returns its non-negative result.
@inline(__always)
func retryingOnInterrupt(_ operation: String, _ body: () -> Int32) throws(ZeroMQError) -> Int32 {
    while true {
        let result = body()
        if result >= 0 { return result }
        let error = ZeroMQError.last(operation)
        if error.isInterrupted { continue }
        throw error
    }
}
