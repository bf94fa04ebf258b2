import DriftProtocol
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The relay of one client connection: the last handler of its pipeline, after NIO's HTTP/1.1 server codec and
/// protocol error handler. Pipelined requests are queued here and served in order, one exchange at a time. Each request is forwarded on an upstream HTTP/1.1 connection this handler opens on the same
/// event loop (``UpstreamHandler``), kept alive and reused for the connection's next request; the response comes
/// back through the same loop. A request never leaves the event loop that accepted its connection: no task, no
/// thread hand-off.
///
/// Both directions stream: request parts are written upstream as they arrive and response parts to the client as
/// they arrive, and each side stops being read while the other cannot take more (back-pressure through `read`).
/// Timeouts are one scheduled task per connection on the loop: the response head within ``ProxyRelay``'s
/// `responseHeadTimeout`, then no silence longer than `readTimeout` in the body. Once the response end is written
/// to the client, the exchange is recorded by ``ProxyRecorder``. A client that closes its connection after sending
/// a whole request does not cancel the exchange: the model's answer is awaited (under the same timeouts), discarded
/// and recorded, so the requests clients gave up on still count with the model's real latency.
final class ProxyServerHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The upstream connection of this client connection.
    private enum Upstream {
        case none
        case connecting(attempt: Int)
        case ready(UpstreamHandler)
    }

    /// How an exchange's response ends for the client.
    private enum Ending {
        /// The upstream's response ended: write the end.
        case responseEnd
        /// Nothing was sent yet: answer with the proxy's own plain-text error.
        case errorAnswer(HTTPResponseStatus)
        /// The response head was already sent: close the client connection.
        case abort
    }

    private let relay: ProxyRelay
    private var context: ChannelHandlerContext?
    /// The connection's event loop, kept after the handler is removed: an exchange whose client has gone still
    /// runs its timeouts there.
    private var eventLoop: (any EventLoop)?
    private var upstream: Upstream = .none
    private var connectAttempts = 0
    private var exchange: ProxyExchange?
    /// Request parts waiting for the upstream connection to open.
    private var pendingParts: [HTTPClientRequestPart] = []
    private var upstreamNeedsFlush = false
    private var clientNeedsFlush = false
    /// Request parts that arrived pipelined behind the current exchange, replayed when it is over.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var quiescing = false
    private var readPending = false
    private var clientOpen = true
    private var timer: Scheduled<Void>?
    private var timerDeadline = NIODeadline.distantFuture
    private var requestIDs = RequestIDGenerator()
    /// When the upstream connection's last response ended (it is idle since then), while it is kept for reuse.
    private var upstreamIdleSince: NIODeadline?

    /// Creates the handler of one client connection.
    init(relay: ProxyRelay) {
        self.relay = relay
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        eventLoop = context.eventLoop
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if !queued.isEmpty || (exchange != nil && part.isHead) {
            // A pipelined request: it waits until the current exchange is over (and reading stops meanwhile).
            queued.append(part)
            return
        }
        handle(part)
    }

    /// Handles one request part of the current exchange (or the head of the next one).
    private func handle(_ part: HTTPServerRequestPart) {
        switch part {
        case .head(let head):
            startExchange(head)
        case .body(let buffer):
            guard exchange?.responseFinished == false else { return }
            // Mutated in place, with no copy of the exchange alive: the capture must not be copied on write.
            exchange?.requestCapture?.append(buffer)
            send(.body(.byteBuffer(buffer)))
        case .end:
            guard let exchange else { return }
            if exchange.responseFinished {
                self.exchange = nil
                if quiescing {
                    context?.close(promise: nil)
                } else {
                    drainQueued()
                }
                return
            }
            self.exchange?.requestComplete = true
            if exchange.refused {
                finish(outcome: .error(code: 503), readPredictions: false, ending: .errorAnswer(.serviceUnavailable))
                return
            }
            self.exchange?.requestEndSent = true
            send(.end(nil))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushUpstream()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // Graceful shutdown: an idle connection closes now, a busy one after its current response.
        quiescing = true
        queued.removeAll()
        if exchange == nil {
            context.close(promise: nil)
        } else {
            exchange?.clientKeepAlive = false
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .ready(let handler) = upstream {
            handler.resumeReading()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientOpen = false
        queued.removeAll()
        pendingParts.removeAll()
        if let exchange, !exchange.responseFinished {
            relay.counters.update { $0.clientAborts += 1 }
            if exchange.recorded, exchange.requestEndSent, case .ready(let handler) = upstream {
                // The client gave up while the model computes its answer (clients give up on the slowest
                // requests). The exchange goes on without it, under the same timeouts, so that the model's
                // latency, outcome and prediction are still recorded; the answer is read and discarded.
                flushUpstream()
                handler.resumeReading()
                context.fireChannelInactive()
                return
            }
        }
        cancelTimer()
        exchange = nil
        closeUpstream()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        relay.logger.debug("A client connection failed.", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Starts an exchange: decides recording, forwards the head, arms the response-head timeout.
    private func startExchange(_ head: HTTPRequestHead) {
        retireIdleUpstream()
        let fromClient = head.headers.first(name: relay.requestIDHeader)
        let requestID = fromClient ?? requestIDs.uuidString()
        let recorded = relay.admit(method: head.method, requestID: requestID)
        let exchange = ProxyExchange(
            requestID: requestID,
            recorded: recorded,
            captureLimit: relay.configuration.captureLimitBytes,
            clientVersion: head.version,
            clientKeepAlive: head.isKeepAlive && !quiescing
        )
        self.exchange = exchange
        armTimer(notAfter: exchange.start + relay.responseHeadTimeout)
        send(.head(relay.upstreamHead(for: head, requestID: requestID, idFromClient: fromClient != nil)))
    }

    /// Writes a request part upstream, or queues it while the connection opens (opening it when there is none).
    private func send(_ part: HTTPClientRequestPart) {
        if exchange?.refused == true { return }
        switch upstream {
        case .ready(let handler):
            handler.write(part)
            upstreamNeedsFlush = true
        case .connecting:
            pendingParts.append(part)
        case .none:
            pendingParts.append(part)
            connect()
        }
    }

    /// Flushes what was written to the upstream connection since the last flush.
    private func flushUpstream() {
        if upstreamNeedsFlush, case .ready(let handler) = upstream {
            handler.flush()
        }
        upstreamNeedsFlush = false
    }

    /// Whether the client is not read now: a pipelined request waits, or the current request's upstream
    /// connection is opening or cannot take more.
    private var readsPaused: Bool {
        if !queued.isEmpty { return true }
        guard let exchange, !exchange.responseFinished else { return false }
        switch upstream {
        case .none: return false
        case .connecting: return true
        case .ready(let handler): return !handler.isWritable
        }
    }

    /// Reads the client again if a read was held back and nothing holds it back any more.
    private func resumeClientReads() {
        if readPending, !readsPaused, let context {
            readPending = false
            context.read()
        }
    }

    /// Handles pipelined parts until the next request has to wait for the current exchange.
    private func drainQueued() {
        while let part = queued.first {
            if part.isHead, exchange != nil { break }
            queued.removeFirst()
            handle(part)
        }
        flushUpstream()
        resumeClientReads()
    }

    // MARK: Upstream connection

    /// Opens an upstream connection on this connection's event loop, within the connection cap.
    private func connect() {
        guard let context else { return }
        guard relay.acquireUpstreamConnection() else {
            pendingParts.removeAll()
            exchange?.refused = true
            return
        }
        connectAttempts += 1
        let attempt = connectAttempts
        upstream = .connecting(attempt: attempt)
        let loop = context.eventLoop
        let owner = NIOLoopBound(self, eventLoop: loop)
        let relay = self.relay
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(relay.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let tls = relay.clientTLS {
                        let hostname = relay.upstreamAddress == nil ? relay.target.host : nil
                        try operations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: hostname))
                    }
                    // The parts written are NIO-parsed or built here: no second header validation. Informational
                    // answers (`100 Continue`) are forwarded: a client that sent `Expect: 100-continue` waits for one.
                    try operations.addHandler(HTTPRequestEncoder())
                    try operations.addHandler(
                        ByteToMessageHandler(
                            HTTPResponseDecoder(
                                leftOverBytesStrategy: .dropBytes,
                                informationalResponseStrategy: .forward
                            )
                        )
                    )
                    try operations.addHandler(UpstreamHandler(owner: owner.value))
                }
            }
        let connecting =
            if let address = relay.upstreamAddress {
                bootstrap.connect(to: address)
            } else {
                bootstrap.connect(host: relay.target.host, port: relay.target.port)
            }
        connecting.assumeIsolated().whenComplete { result in
            self.connected(result, attempt: attempt)
        }
    }

    private func connected(_ result: Result<any Channel, any Error>, attempt: Int) {
        let current: Bool
        if case .connecting(let pending) = upstream, pending == attempt, clientOpen {
            current = true
        } else {
            current = false
        }
        switch result {
        case .success(let channel):
            let relay = self.relay
            channel.closeFuture.whenComplete { _ in relay.releaseUpstreamConnection() }
            guard current else {
                channel.close(promise: nil)
                return
            }
            guard channel.isActive,
                let handler = try? channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
            else {
                channel.close(promise: nil)
                upstream = .none
                pendingParts.removeAll()
                failUpstream(timedOut: false, reason: "the connection closed as it opened")
                return
            }
            upstream = .ready(handler)
            for part in pendingParts { handler.write(part) }
            pendingParts.removeAll(keepingCapacity: true)
            handler.flush()
            if handler.isWritable { resumeClientReads() }
        case .failure(let error):
            relay.releaseUpstreamConnection()
            guard current else { return }
            upstream = .none
            pendingParts.removeAll()
            failUpstream(timedOut: false, reason: "\(error)")
        }
    }

    private func closeUpstream() {
        if case .ready(let handler) = upstream { handler.close() }
        upstream = .none
        upstreamIdleSince = nil
    }

    /// Closes the upstream connection when it has been idle longer than the idle timeout, so that the next request
    /// opens a new one: the model server may be closing it at this very moment, and a request written into a
    /// connection the server closes is lost (502). Checked when a request starts; no timer.
    private func retireIdleUpstream() {
        guard let since = upstreamIdleSince else { return }
        upstreamIdleSince = nil
        if case .ready = upstream, NIODeadline.now() - since > relay.idleTimeout {
            closeUpstream()
            relay.counters.update { $0.upstreamIdleCloses += 1 }
        }
    }

    private func isCurrent(_ handler: UpstreamHandler) -> Bool {
        if case .ready(let current) = upstream { return current === handler }
        return false
    }

    // MARK: Upstream side (called by UpstreamHandler on this event loop)

    /// A part of the upstream's response: forwarded to the client as it comes (once the client has gone, see
    /// `channelInactive`, only kept for the record).
    func upstreamRead(_ part: HTTPClientResponsePart, from handler: UpstreamHandler) {
        guard isCurrent(handler), exchange?.responseFinished == false else { return }
        let client = clientOpen ? context : nil
        if case .body(let buffer) = part {
            // Mutated in place, with no copy of the exchange alive: the capture must not be copied on write.
            exchange?.responseCapture?.append(buffer)
            exchange?.lastUpstreamRead = .now()
            if let client {
                client.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                clientNeedsFlush = true
                if !client.channel.isWritable { handler.pauseReading() }
            }
            return
        }
        guard let exchange else { return }
        switch part {
        case .head(let head) where head.status.code < 200:
            // An informational answer (the decoder never gives 101 here: no upgrade is offered upstream).
            if let client, exchange.clientVersion.major == 1 && exchange.clientVersion.minor >= 1 {
                let informational = HTTPResponseHead(
                    version: exchange.clientVersion,
                    status: head.status,
                    headers: HopByHopHeaders.stripped(head.headers)
                )
                client.write(wrapOutboundOut(.head(informational)), promise: nil)
                clientNeedsFlush = true
            }
        case .head(let head):
            let status = Int(head.status.code)
            if status >= 500 { relay.counters.update { $0.upstreamServerErrors += 1 } }
            var keepAlive = exchange.clientKeepAlive
            let clientHead = relay.clientHead(
                for: head,
                requestID: exchange.requestID,
                version: exchange.clientVersion,
                keepAlive: &keepAlive
            )
            let now = NIODeadline.now()
            self.exchange?.status = status
            self.exchange?.upstreamKeepAlive = head.isKeepAlive
            self.exchange?.clientKeepAlive = keepAlive
            self.exchange?.responseHeadSent = true
            self.exchange?.lastUpstreamRead = now
            armTimer(notAfter: now + relay.readTimeout)
            if let client {
                client.write(wrapOutboundOut(.head(clientHead)), promise: nil)
                clientNeedsFlush = true
            }
        case .body:
            break  // handled above
        case .end:
            let status = exchange.status ?? 502
            finish(
                outcome: status >= 500 ? .error(code: UInt16(clamping: status)) : .ok,
                readPredictions: (200..<300).contains(status),
                ending: .responseEnd
            )
        }
    }

    /// The upstream finished a read: flush what was written to the client.
    func upstreamReadComplete(from handler: UpstreamHandler) {
        guard clientNeedsFlush, isCurrent(handler), let context else { return }
        clientNeedsFlush = false
        context.flush()
    }

    /// The upstream connection can take more: read the client again.
    func upstreamBecameWritable(_ handler: UpstreamHandler) {
        guard isCurrent(handler), case .ready = upstream else { return }
        resumeClientReads()
    }

    /// The upstream connection failed; it is being closed.
    func upstreamFailed(_ handler: UpstreamHandler, error: any Error) {
        guard isCurrent(handler) else { return }
        relay.logger.debug("The upstream connection failed.", metadata: ["error": "\(error)"])
    }

    /// The upstream connection closed: dropped, and an exchange waiting on it fails with 502.
    func upstreamClosed(_ handler: UpstreamHandler) {
        guard isCurrent(handler) else { return }
        upstream = .none
        upstreamIdleSince = nil
        resumeClientReads()
        if let exchange, !exchange.responseFinished {
            failUpstream(timedOut: false, reason: "the connection closed before the response ended")
        }
    }

    // MARK: Ending an exchange

    /// Ends the current exchange after an upstream failure: 502 (connection) or 504 (timeout).
    private func failUpstream(timedOut: Bool, reason: @autoclosure () -> String) {
        guard let exchange, !exchange.responseFinished else { return }
        relay.counters.update {
            if timedOut { $0.upstreamTimeouts += 1 } else { $0.upstreamConnectionFailures += 1 }
        }
        let status: HTTPResponseStatus = timedOut ? .gatewayTimeout : .badGateway
        relay.logger.debug(
            "The upstream did not answer.",
            metadata: ["reason": "\(reason())", "request.id": "\(exchange.requestID)", "status": "\(status.code)"]
        )
        finish(
            outcome: .error(code: UInt16(status.code)),
            readPredictions: false,
            ending: exchange.responseHeadSent ? .abort : .errorAnswer(status)
        )
    }

    /// Ends the current exchange's response for the client, then records it.
    ///
    /// The state is settled before the end is written: writing it lets NIO's pipelining handler deliver the next
    /// request at once, from inside the write.
    private func finish(outcome: Outcome, readPredictions: Bool, ending: Ending) {
        guard var finished = exchange else { return }
        guard clientOpen, let context else {
            // The client has gone (see `channelInactive`): record what the model did, then let go of everything.
            exchange = nil
            cancelTimer()
            closeUpstream()
            record(finished, outcome: outcome, readPredictions: readPredictions)
            return
        }
        // The timer stays armed: when it fires with no exchange running it just lapses, and a later exchange
        // re-arms it as needed. Cancelling and scheduling it for every request cost two heap operations each.
        if case .responseEnd = ending, finished.upstreamKeepAlive, finished.requestEndSent {
            // The upstream connection carries the next request.
            upstreamIdleSince = .now()
        } else {
            closeUpstream()
        }
        finished.responseFinished = true
        exchange = finished.requestComplete ? nil : finished
        pendingParts.removeAll()
        resumeClientReads()
        let keepAlive = finished.clientKeepAlive
        switch ending {
        case .responseEnd:
            writeEnd(context: context, keepAlive: keepAlive)
        case .errorAnswer(let status):
            let (head, body) = relay.errorAnswer(
                status,
                requestID: finished.requestID,
                version: finished.clientVersion,
                keepAlive: keepAlive
            )
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            writeEnd(context: context, keepAlive: keepAlive)
        case .abort:
            context.close(promise: nil)
        }
        record(finished, outcome: outcome, readPredictions: readPredictions)
        if exchange == nil, !queued.isEmpty { drainQueued() }
    }

    /// Records a finished exchange's events when it was admitted for recording.
    private func record(_ finished: ProxyExchange, outcome: Outcome, readPredictions: Bool) {
        guard finished.recorded else { return }
        relay.recorder.record(finished, latency: finished.elapsed, outcome: outcome, readPredictions: readPredictions)
    }

    /// Writes and flushes the response end; closes the client connection after it when it is not kept alive.
    private func writeEnd(context: ChannelHandlerContext, keepAlive: Bool) {
        clientNeedsFlush = false
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    // MARK: Timeouts

    /// Makes sure the timer fires no later than `deadline` (one timer per connection, shared by its exchanges).
    private func armTimer(notAfter deadline: NIODeadline) {
        guard timer == nil || timerDeadline > deadline else { return }
        cancelTimer()
        armTimer(at: deadline)
    }

    private func armTimer(at deadline: NIODeadline) {
        guard let eventLoop else { return }
        timerDeadline = deadline
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timerFired()
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = .distantFuture
    }

    /// The timer's deadline passed: 504 when the current exchange's head or next body part is overdue, else re-armed
    /// for when it will be; nothing when no exchange is running.
    private func timerFired() {
        timer = nil
        timerDeadline = .distantFuture
        guard let exchange, !exchange.responseFinished else { return }
        let due =
            exchange.status == nil
            ? exchange.start + relay.responseHeadTimeout : exchange.lastUpstreamRead + relay.readTimeout
        if NIODeadline.now() >= due {
            failUpstream(
                timedOut: true,
                reason: exchange.status == nil ? "no response head in time" : "the response body stalled"
            )
        } else {
            armTimer(at: due)
        }
    }
}

extension HTTPServerRequestPart {
    /// Whether this part starts a request.
    fileprivate var isHead: Bool {
        if case .head = self { return true }
        return false
    }
}
