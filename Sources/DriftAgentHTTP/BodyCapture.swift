import NIOCore
import Synchronization

/// A capped copy of a body as it streams through the proxy, for payload extraction after the exchange.
///
/// Bytes beyond ``limit`` are not kept; the capture is then marked ``Contents/overflowed`` and extraction skipped.
final class BodyCapture: Sendable {
    /// What was captured.
    struct Contents {
        /// The bytes kept (all of the body unless it overflowed).
        var bytes: [UInt8] = []
        /// Whether the body was longer than the limit.
        var overflowed = false
    }

    /// The most bytes kept.
    let limit: Int
    private let state = Mutex(Contents())

    /// Creates an empty capture.
    /// - Parameter limit: the most bytes kept.
    init(limit: Int) {
        self.limit = limit
    }

    /// Appends a chunk, or marks the capture overflowed when it would pass the limit.
    func append(_ buffer: ByteBuffer) {
        state.withLock { contents in
            guard !contents.overflowed else { return }
            guard contents.bytes.count + buffer.readableBytes <= limit else {
                contents.overflowed = true
                contents.bytes = []
                return
            }
            buffer.withUnsafeReadableBytes { contents.bytes.append(contentsOf: $0) }
        }
    }

    /// The captured contents.
    var contents: Contents { state.withLock { $0 } }
}
