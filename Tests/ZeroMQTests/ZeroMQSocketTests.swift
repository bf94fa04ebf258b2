import Foundation
import Testing
import ZeroMQ

@Suite("ZeroMQ sockets")
struct ZeroMQSocketTests {
    @Test("A negative receive timeout (a deadline already past) returns at once instead of waiting forever")
    func negativeTimeoutDoesNotBlock() throws {
        let context = try ZeroMQContext()
        let pull = try ZeroMQSocket(context, type: .pull)
        _ = try pull.bind("tcp://127.0.0.1:*")
        // With nothing to receive, a wait-forever reading of -1 ms would never return.
        #expect(try pull.receive(timeout: .milliseconds(-1)) == nil)
        #expect(try pull.poll(.readable, timeout: .seconds(-5)) == false)
        pull.close()
    }

    @Test("PUSH to PULL over tcp with an ephemeral port carries multipart messages byte for byte")
    func pushPullTCP() throws {
        let context = try ZeroMQContext()
        let pull = try ZeroMQSocket(context, type: .pull)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!endpoint.hasSuffix(":*"))
        let push = try ZeroMQSocket(context, type: .push)
        try push.connect(endpoint)

        let frames: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 0xAB, count: 100_000)]
        try push.send(frames)
        try push.send("single".bytes)
        #expect(try pull.receiveWithin() == frames)
        #expect(try pull.receiveWithin() == ["single".bytes])
    }

    @Test("PUSH to PULL over ipc in a temporary directory")
    func pushPullIPC() throws {
        let context = try ZeroMQContext()
        let pull = try ZeroMQSocket(context, type: .pull)
        let endpoint = try pull.bind(temporaryIPCEndpoint())
        let push = try ZeroMQSocket(context, type: .push)
        try push.connect(endpoint)
        for index in 0..<100 {
            try push.send([[UInt8(index)], "payload".bytes])
        }
        for index in 0..<100 {
            #expect(try pull.receiveWithin() == [[UInt8(index)], "payload".bytes])
        }
    }

    @Test("Frames expose their bytes without copying and stay valid after the socket is closed")
    func framesOutliveSocket() throws {
        let context = try ZeroMQContext()
        let pull = try ZeroMQSocket(context, type: .pull)
        let push = try ZeroMQSocket(context, type: .push)
        try push.connect(try pull.bind("tcp://127.0.0.1:*"))
        try push.send(["hello".bytes, "world".bytes])
        let frames = try #require(try pull.receive(timeout: patience))
        pull.close()
        #expect(frames.count == 2)
        #expect(frames[0].count == 5)
        #expect(frames[1].withUnsafeBytes { Array($0) } == "world".bytes)
    }

    @Test("A non-blocking receive with nothing waiting reports would-block; a timed one returns nil")
    func nonBlockingAndTimedReceive() throws {
        let context = try ZeroMQContext()
        let pull = try ZeroMQSocket(context, type: .pull)
        try pull.bind("tcp://127.0.0.1:*")
        let error = #expect(throws: ZeroMQError.self) { try pull.receive(options: .dontWait) }
        #expect(error?.isWouldBlock == true)
        #expect(try pull.receive(timeout: .milliseconds(20)) == nil)
    }

    @Test("A PUSH with no peer and ZMQ_IMMEDIATE cannot queue: trySend says so instead of blocking")
    func trySendWithoutPeer() throws {
        let context = try ZeroMQContext()
        let push = try ZeroMQSocket(context, type: .push)
        try push.setImmediate(true)
        try push.connect("tcp://127.0.0.1:1")
        #expect(try push.trySend([[1, 2, 3]]) == false)
    }

    @Test("PUB/SUB delivers only subscribed topic prefixes, and unsubscribe stops them")
    func publishSubscribeTopics() throws {
        let context = try ZeroMQContext()
        // XPUB shows when each subscription reached the publisher, so the test never races the slow joiner.
        let publisher = try ZeroMQSocket(context, type: .xpub)
        let endpoint = try publisher.bind("tcp://127.0.0.1:*")
        let subscriber = try ZeroMQSocket(context, type: .sub)
        try subscriber.connect(endpoint)
        try subscriber.subscribe("alert.fraud.")
        #expect(try publisher.receiveWithin() == [[1] + "alert.fraud.".bytes])

        try publisher.send(["alert.churn.data_drift".bytes, "{}".bytes])
        try publisher.send(["alert.fraud.latency".bytes, "{\"a\":1}".bytes])
        #expect(try subscriber.receiveWithin() == ["alert.fraud.latency".bytes, "{\"a\":1}".bytes])
        #expect(try subscriber.receive(timeout: .milliseconds(50)) == nil)

        try subscriber.unsubscribe("alert.fraud.")
        #expect(try publisher.receiveWithin() == [[0] + "alert.fraud.".bytes])
        try publisher.send(["alert.fraud.latency".bytes, "{}".bytes])
        #expect(try subscriber.receive(timeout: .milliseconds(50)) == nil)
    }

    @Test("DEALER to ROUTER carries the routing id, and the ROUTER replies to that peer")
    func dealerRouter() throws {
        let context = try ZeroMQContext()
        let router = try ZeroMQSocket(context, type: .router)
        try router.setRouterMandatory(true)
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let dealer = try ZeroMQSocket(context, type: .dealer)
        try dealer.setRoutingID("agent-7".bytes)
        #expect(try dealer.routingID == "agent-7".bytes)
        try dealer.connect(endpoint)

        try dealer.send(["batch".bytes])
        #expect(try router.receiveWithin() == ["agent-7".bytes, "batch".bytes])
        try router.send(["agent-7".bytes, "ack".bytes])
        #expect(try dealer.receiveWithin() == ["ack".bytes])

        let error = #expect(throws: ZeroMQError.self) { try router.send(["nobody".bytes, "x".bytes]) }
        #expect(error?.isHostUnreachable == true)
    }

    @Test("REQ/REP round trip")
    func requestReply() throws {
        let context = try ZeroMQContext()
        let reply = try ZeroMQSocket(context, type: .rep)
        let endpoint = try reply.bind("tcp://127.0.0.1:*")
        let request = try ZeroMQSocket(context, type: .req)
        try request.connect(endpoint)
        try request.send("ping".bytes)
        #expect(try reply.receiveWithin() == ["ping".bytes])
        try reply.send("pong".bytes)
        #expect(try request.receiveWithin() == ["pong".bytes])
    }

    @Test("A poller reports which of several sockets is readable")
    func pollerOverSeveralSockets() throws {
        let context = try ZeroMQContext()
        let first = try ZeroMQSocket(context, type: .pull)
        let second = try ZeroMQSocket(context, type: .pull)
        let firstEndpoint = try first.bind("tcp://127.0.0.1:*")
        let secondEndpoint = try second.bind("tcp://127.0.0.1:*")
        let push = try ZeroMQSocket(context, type: .push)
        try push.connect(secondEndpoint)

        var poller = ZeroMQPoller()
        let firstIndex = try poller.register(first)
        let secondIndex = try poller.register(second)
        #expect(try poller.poll(timeout: .milliseconds(20)).isEmpty)

        try push.send("to second".bytes)
        let ready = try poller.poll(timeout: patience)
        #expect(ready.map(\.index) == [secondIndex])
        #expect(ready.first?.events == .readable)
        #expect(firstIndex != secondIndex)
        #expect(try second.receive(options: .dontWait).map(\.bytes) == ["to second".bytes])
        _ = firstEndpoint
    }

    @Test("Disconnect and unbind accept their own endpoints once and report unknown ones")
    func unbindAndDisconnect() throws {
        let context = try ZeroMQContext()
        let pull = try ZeroMQSocket(context, type: .pull)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try ZeroMQSocket(context, type: .push)
        try push.setImmediate(true)
        try push.connect(endpoint)
        try push.send("one".bytes)
        #expect(try pull.receiveWithin() == ["one".bytes])
        try push.disconnect(endpoint)
        let notConnected = #expect(throws: ZeroMQError.self) { try push.disconnect(endpoint) }
        #expect(notConnected?.code == ENOENT)
        try pull.unbind(endpoint)
        let error = #expect(throws: ZeroMQError.self) { try pull.unbind(endpoint) }
        #expect(error?.code == ENOENT)
    }
}
