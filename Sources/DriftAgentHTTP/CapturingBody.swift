import NIOCore

/// An async sequence of buffers that copies each buffer into a ``BodyCapture`` as it is consumed.
struct CapturingBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let base: Base
    let capture: BodyCapture

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let capture: BodyCapture

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            capture.append(buffer)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), capture: capture)
    }
}
