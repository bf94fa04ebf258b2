import NIOCore
import NIOHTTP1

/// The last handler of an upstream connection's pipeline (after NIO's HTTP/1.1 client codec): hands each response
/// part to the ``ProxyServerHandler`` of the client connection that opened it, on the same event loop, and writes
/// the request parts that handler gives it.
///
/// Reads can be paused (``pauseReading()``) while the client is not writable, so a slow client slows the
/// upstream instead of filling memory.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// The client connection's handler; nil once detached (closed by it, or closed by the upstream).
    private var owner: ProxyServerHandler?
    private var context: ChannelHandlerContext?
    private var readsPaused = false
    private var readPending = false

    /// Creates the handler for a connection opened by `owner`.
    init(owner: ProxyServerHandler) {
        self.owner = owner
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        owner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.upstreamRead(unwrapInboundIn(data), from: self)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.upstreamReadComplete(from: self)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { owner?.upstreamBecameWritable(self) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let owner = self.owner
        self.owner = nil
        owner?.upstreamClosed(self)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        owner?.upstreamFailed(self, error: error)
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    /// Writes a request part (not flushed).
    func write(_ part: HTTPClientRequestPart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    /// Flushes the written request parts.
    func flush() {
        context?.flush()
    }

    /// Whether the connection's send buffer has room.
    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Stops reading the upstream's response until ``resumeReading()``.
    func pauseReading() {
        readsPaused = true
    }

    /// Reads the upstream's response again.
    func resumeReading() {
        guard readsPaused else { return }
        readsPaused = false
        if readPending {
            readPending = false
            context?.read()
        }
    }

    /// Detaches from the client connection and closes the upstream connection.
    func close() {
        owner = nil
        context?.close(promise: nil)
    }
}
