import Foundation
import Testing
import ZeroMQ

@Suite("ZeroMQ errors and options")
struct ZeroMQErrorTests {
    @Test("Binding a port in use fails with EADDRINUSE and libzmq's text")
    func addressInUse() throws {
        let context = try ZeroMQContext()
        let first = try ZeroMQSocket(context, type: .pull)
        let endpoint = try first.bind("tcp://127.0.0.1:*")
        let second = try ZeroMQSocket(context, type: .pull)
        let error = #expect(throws: ZeroMQError.self) { try second.bind(endpoint) }
        #expect(error?.code == EADDRINUSE)
        #expect(error?.message == String(cString: strerror(EADDRINUSE)))
        #expect(error?.description.contains("zmq_bind(\(endpoint))") == true)
    }

    @Test("A malformed endpoint is rejected with an error, not a crash", arguments: ["nonsense", "tcp://", "foo://x"])
    func malformedEndpoint(endpoint: String) throws {
        let context = try ZeroMQContext()
        let socket = try ZeroMQSocket(context, type: .push)
        let error = #expect(throws: ZeroMQError.self) { try socket.connect(endpoint) }
        #expect(error.map { [EINVAL, EPROTONOSUPPORT].contains($0.code) } == true)
    }

    @Test("Operations on a closed socket fail with ENOTSOCK")
    func closedSocket() throws {
        let context = try ZeroMQContext()
        let socket = try ZeroMQSocket(context, type: .pull)
        socket.close()
        socket.close()
        #expect(socket.isClosed)
        let error = #expect(throws: ZeroMQError.self) { try socket.receive(options: .dontWait) }
        #expect(error?.code == ENOTSOCK)
    }

    @Test("Integer options are set as 4-byte values and read back")
    func optionsRoundTrip() throws {
        let context = try ZeroMQContext()
        let socket = try ZeroMQSocket(context, type: .push, linger: .milliseconds(250))
        #expect(try socket.lingerMilliseconds == 250)
        try socket.setSendHighWaterMark(12_345)
        try socket.setReceiveHighWaterMark(54_321)
        #expect(try socket.sendHighWaterMark == 12_345)
        #expect(try socket.receiveHighWaterMark == 54_321)
        try socket.setLinger(.zero)
        #expect(try socket.lingerMilliseconds == 0)
        try socket.setReconnectInterval(.milliseconds(100), maximum: .seconds(5))
        try socket.setTCPKeepalive(enabled: true, idle: .seconds(30), interval: .seconds(5), count: 3)
        try socket.setHeartbeat(interval: .seconds(1), timeout: .seconds(3), ttl: .seconds(6))
        try socket.setSendTimeout(.milliseconds(10))
        try socket.setReceiveTimeout(nil)
        let error = #expect(throws: ZeroMQError.self) { try socket.setRoutingID([]) }
        #expect(error?.code == EINVAL)
    }

    @Test("A blocking send times out with would-block under ZMQ_SNDTIMEO")
    func sendTimeout() throws {
        let context = try ZeroMQContext()
        let push = try ZeroMQSocket(context, type: .push)
        try push.setImmediate(true)
        try push.setSendTimeout(.milliseconds(20))
        try push.connect("tcp://127.0.0.1:1")
        let error = #expect(throws: ZeroMQError.self) { try push.send("x".bytes) }
        #expect(error?.isWouldBlock == true)
    }
}
