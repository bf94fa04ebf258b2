import NIOCore
import NIOHTTP1
import NIOPosix

/// The last handler of an admin connection's pipeline (after NIO's HTTP/1.1 server codec and pipelining handler):
/// collects a request, answers it from ``AgentAdminRoutes``, one request at a time.
///
/// Label bodies over ``offloadBytes`` are decoded on NIO's thread pool, not on the event loop, which the reverse
/// proxy's connections share: a large upload must not stall the model's traffic.
final class AgentAdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Label bodies larger than this are decoded off the event loop.
    static let offloadBytes = 64 * 1024

    private let routes: AgentAdminRoutes
    private var head: HTTPRequestHead?
    private var route: AgentAdminRoutes.Route?
    private var body = ByteBuffer()
    /// The request was answered before its end (refused, or its body too large): the rest of it is ignored.
    private var answered = false
    /// The early answer said `Connection: close`: the connection closes once the request has been read (closing
    /// with unread bytes would reset the connection, and the client could lose the answer).
    private var closeAtEnd = false

    init(routes: AgentAdminRoutes) {
        self.routes = routes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            closeAtEnd = false
            route = routes.route(head)
            body.clear()
            answered = false
            let declared = head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
            if declared > AgentAdminServer.maximumBodyBytes { refuseTooLarge(context: context, head: head) }
        case .body(var buffer):
            guard !answered, let head else { return }
            guard case .labels = route else { return }
            body.writeBuffer(&buffer)
            if body.readableBytes > AgentAdminServer.maximumBodyBytes { refuseTooLarge(context: context, head: head) }
        case .end:
            if closeAtEnd {
                context.close(promise: nil)
                return
            }
            guard !answered, let head, let route else { return }
            answered = true
            switch route {
            case .health: respond(routes.health(), to: head, context: context)
            case .metrics: respond(routes.metricsText(), to: head, context: context)
            case .refused(let answer): respond(answer, to: head, context: context)
            case .labels: postLabels(head: head, context: context)
            }
        }
    }

    /// Decodes and records the labels: inline when the body is small, else on the thread pool.
    private func postLabels(head: HTTPRequestHead, context: ChannelHandlerContext) {
        let bytes = Array(body.readableBytesView)
        body.clear()
        if bytes.count <= Self.offloadBytes {
            respond(routes.postLabels(bytes), to: head, context: context)
            return
        }
        let routes = self.routes
        NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) { routes.postLabels(bytes) }
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let answer): self.respond(answer, to: head, context: context)
                case .failure: context.close(promise: nil)
                }
            }
    }

    /// Answers 413 at once; the rest of the body is read and discarded, then the connection closes.
    private func refuseTooLarge(context: ChannelHandlerContext, head: HTTPRequestHead) {
        answered = true
        closeAtEnd = true
        body.clear()
        let answer = AgentAdminAnswer.error(
            .payloadTooLarge,
            "the body is larger than \(AgentAdminServer.maximumBodyBytes) bytes"
        )
        respond(answer, to: head, context: context, closeAfterRequest: true)
    }

    /// Writes an answer; closes the connection after it when the client asks for that. With `closeAfterRequest`
    /// the answer says `Connection: close` and the connection is closed by the request's end instead.
    private func respond(
        _ answer: AgentAdminAnswer,
        to head: HTTPRequestHead,
        context: ChannelHandlerContext,
        closeAfterRequest: Bool = false
    ) {
        let keepAlive = head.isKeepAlive && !closeAfterRequest
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: answer.contentType)
        headers.add(name: "content-length", value: String(answer.body.readableBytes))
        for (name, value) in answer.headers { headers.add(name: name, value: value) }
        let http10 = head.version.major == 1 && head.version.minor == 0
        if !keepAlive && !http10 {
            headers.add(name: "connection", value: "close")
        } else if keepAlive && http10 {
            headers.add(name: "connection", value: "keep-alive")
        }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: answer.status, headers: headers))),
            promise: nil
        )
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        }
        if keepAlive || closeAfterRequest {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
