import NIOCore

/// A capped copy of a body as it streams through the proxy, for payload extraction after the exchange.
///
/// A body that arrives in one chunk (the usual inference request or answer) is kept as that chunk: a reference to
/// the bytes NIO read, no copy and no allocation while the exchange is in flight. Later chunks are appended to it
/// (the first append copies). Bytes beyond ``limit`` are not kept; the capture is then marked ``overflowed`` and
/// extraction skipped.
struct BodyCapture {
    /// The most bytes kept.
    let limit: Int
    /// The bytes kept (all of the body so far unless it overflowed).
    private(set) var buffer: ByteBuffer?
    /// Whether the body was longer than the limit.
    private(set) var overflowed = false

    /// Creates an empty capture.
    /// - Parameter limit: the most bytes kept.
    init(limit: Int) {
        self.limit = limit
    }

    /// Appends a chunk, or marks the capture overflowed when it would pass the limit.
    mutating func append(_ chunk: ByteBuffer) {
        guard !overflowed else { return }
        guard (buffer?.readableBytes ?? 0) + chunk.readableBytes <= limit else {
            overflowed = true
            buffer = nil
            return
        }
        if buffer == nil {
            buffer = chunk
        } else {
            var chunk = chunk
            buffer?.writeBuffer(&chunk)
        }
    }

    /// The bytes kept, copied out for the extractor.
    var bytes: [UInt8] { buffer.map { Array($0.readableBytesView) } ?? [] }
}
