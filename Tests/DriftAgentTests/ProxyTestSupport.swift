import AsyncHTTPClient
import DriftAgent
import DriftAgentHTTP
import Foundation
import Glibc
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TestSupport

/// Keeps what the proxy records so a test can inspect the extracted events.
final class RecordingSink: AgentEventSink {
    private let events = Mutex<[AgentEvent]>([])

    func record(_ event: AgentEvent) -> Bool {
        events.withLock { $0.append(event) }
        return true
    }

    func record(_ label: AgentLabel) -> Bool { true }

    var recorded: [AgentEvent] { events.withLock { $0 } }

    /// Waits (up to 10 s) until at least `count` events are recorded; the proxy records after it has forwarded the
    /// response, so the client can see the response first.
    func waitForEvents(_ count: Int) async throws -> [AgentEvent] {
        let deadline = ContinuousClock.now + .seconds(10)
        while recorded.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        return recorded
    }
}

/// A response as the test client received it.
struct ProxiedResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// The Python model server (Tests/DriftAgentTests/Python/model_server.py) on an ephemeral port, a
/// ``ReverseProxy`` in front of it, and an HTTP client.
struct ProxyHarness {
    let modelPort: Int
    let proxyPort: Int
    let proxy: ReverseProxy
    let sink: RecordingSink
    let client: HTTPClient
    /// Starts the proxy's graceful shutdown (as SIGTERM would).
    let shutdown: @Sendable () async -> Void

    /// Runs `body` with a model server and a proxy configured by `configure`, then stops both.
    static func with(
        upstream: String? = nil,
        configure: (inout ReverseProxyConfiguration) -> Void = { _ in },
        _ body: (ProxyHarness) async throws -> Void
    ) async throws {
        let (model, modelPort) = try PythonModelServer.start()
        defer {
            // SIGKILL: children of this multi-threaded process start with most signals blocked.
            model.signal(SIGKILL)
            _ = try? model.waitForExit(timeout: .seconds(10))
        }
        var configuration = ReverseProxyConfiguration(
            upstream: upstream ?? "http://127.0.0.1:\(modelPort)",
            model: "iris",
            modelVersion: "3",
            listenPort: 0
        )
        configure(&configuration)
        let sink = RecordingSink()
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let proxy = try ReverseProxy(
            configuration: configuration,
            sink: sink,
            logger: Logger(label: "test.proxy"),
            onListening: { port in portContinuation.yield(port) }
        )
        let group = ServiceGroup(services: [proxy], logger: Logger(label: "test.group"))
        let running = Task { try await group.run() }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            var iterator = ports.makeAsyncIterator()
            guard let proxyPort = await iterator.next() else { throw HarnessError(message: "the proxy did not start") }
            try await body(
                ProxyHarness(
                    modelPort: modelPort,
                    proxyPort: proxyPort,
                    proxy: proxy,
                    sink: sink,
                    client: client,
                    shutdown: { await group.triggerGracefulShutdown() }
                )
            )
        } catch {
            try? await client.shutdown()
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
        try await client.shutdown()
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Sends a request to the proxy (or, with `direct`, to the model server) and reads the whole response.
    func send(
        _ method: String = "POST",
        _ path: String,
        body: [UInt8]? = nil,
        headers: [(String, String)] = [],
        chunked: Bool = false,
        direct: Bool = false
    ) async throws -> ProxiedResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(direct ? modelPort : proxyPort)\(path)")
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if chunked {
                let pieces = stride(from: 0, to: body.count, by: 1_000).map {
                    ByteBuffer(bytes: body[$0..<min($0 + 1_000, body.count)])
                }
                request.body = .stream(pieces.async, length: .unknown)
            } else {
                request.body = .bytes(body)
            }
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        var collected = try await response.body.collect(upTo: 64 << 20)
        return ProxiedResponse(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: collected.readBytes(length: collected.readableBytes) ?? []
        )
    }

    /// Sends a JSON body.
    func post(_ path: String, json: String, headers: [(String, String)] = []) async throws -> ProxiedResponse {
        try await send("POST", path, body: Array(json.utf8), headers: [("Content-Type", "application/json")] + headers)
    }
}

/// The harness could not start its processes.
struct HarnessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A finite async sequence over an array, for streamed request bodies.
struct ArrayAsyncSequence<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let elements: [Element]

        mutating func next() async -> Element? {
            guard index < elements.count else { return nil }
            defer { index += 1 }
            return elements[index]
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(elements: elements) }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    var async: ArrayAsyncSequence<Element> { ArrayAsyncSequence(elements: self) }
}

/// A blocking HTTP/1.1 client on one TCP connection, for what a pooled client cannot do: pipelining, HTTP/1.0,
/// sending a body in pieces, or closing the connection mid-request. Reads time out after 10 s.
final class RawHTTPConnection {
    /// A response as read off the wire.
    struct Response {
        var statusLine: String
        var headers: [(String, String)]
        var body: [UInt8]

        var status: Int { Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }
        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var closed = false

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError(message: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw HarnessError(message: "connect to \(port): \(errno)")
        }
    }

    deinit { Glibc.close(fd) }

    /// Sends bytes.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw HarnessError(message: "send: \(errno)") }
            offset += sent
        }
    }

    /// Sends a string's UTF-8 bytes.
    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends a whole HTTP/1.1 POST of a JSON body with a request id.
    func sendJSONPost(_ path: String, requestID: String, body: String) throws {
        try send(
            "POST \(path) HTTP/1.1\r\nHost: proxy\r\nX-Request-ID: \(requestID)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        )
    }

    /// Closes the connection.
    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Reads more bytes into the buffer; false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count == 0 {
            closed = true
            return false
        }
        guard count > 0 else { throw HarnessError(message: "recv: \(errno)") }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.indices.dropLast().first(where: { buffer[$0] == 13 && buffer[$0 + 1] == 10 }) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return line
            }
            guard try fill() else { throw HarnessError(message: "the connection closed mid-line") }
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw HarnessError(message: "the connection closed mid-body") }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    /// Reads one response (`head`: the request was a HEAD, so no body follows).
    func readResponse(head: Bool = false) throws -> Response {
        let statusLine = try readLine()
        var headers: [(String, String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            )
        }
        var response = Response(statusLine: statusLine, headers: headers, body: [])
        if head || (100..<200).contains(response.status) { return response }
        if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            response.body = try readBytes(length)
        } else if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while true {
                let size = Int(try readLine().split(separator: ";")[0], radix: 16) ?? 0
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                response.body += try readBytes(size)
                _ = try readLine()
            }
        } else {
            while try fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    /// Whether the peer has closed the connection, checked without blocking (nothing else may be pending).
    func isClosedNow() -> Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK))
        return count == 0
    }

    /// Waits (without blocking a thread of the Swift concurrency pool) until the peer has closed the connection or
    /// `seconds` have passed; true when it closed.
    func waitUntilClosed(seconds: Int = 10) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !isClosedNow() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}

/// A scripted HTTP/1.1 upstream on an ephemeral loopback port, one thread per connection, for behaviours the
/// Python model does not have. Routes:
/// - `/early`: answers `200 early` as soon as the request head is read, then drains the connection until it closes;
/// - `/close-after`: reads the request, answers `200 closing` (keep-alive by its headers), then closes;
/// - anything else: reads the request and answers `200` with `ok <connection number>`, keep-alive.
/// Counts connections accepted, request heads read, and connections whose peer closed in the middle of a request
/// body.
final class ScriptedUpstream: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let state = Mutex((connections: 0, heads: 0, closedMidBody: 0))

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 64) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else { throw HarnessError(message: "the scripted upstream could not listen: \(errno)") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Connections accepted so far.
    var connections: Int { state.withLock { $0.connections } }
    /// Request heads read so far.
    var heads: Int { state.withLock { $0.heads } }
    /// Connections the proxy closed while a request body was still announced.
    var closedMidBody: Int { state.withLock { $0.closedMidBody } }

    /// Stops accepting.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            let number = state.withLock {
                $0.connections += 1
                return $0.connections
            }
            let thread = Thread { [self] in serve(connection, number: number) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32, number: Int) {
        defer { Glibc.close(fd) }
        var buffer: [UInt8] = []
        func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
        func reply(_ body: String) {
            let text =
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        while true {
            var headEnd: Int?
            while headEnd == nil {
                headEnd = buffer.indices.dropLast(3).first {
                    buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10
                }
                if headEnd == nil && !fill() { return }
            }
            let end = headEnd ?? 0
            let head = String(decoding: buffer[..<end], as: UTF8.self)
            buffer.removeFirst(end + 4)
            state.withLock { $0.heads += 1 }
            let path = head.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
            let length =
                head.split(separator: "\r\n").dropFirst().compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
            if head.hasPrefix("HEAD ") {
                // A HEAD answer with no framing header at all, as some servers send.
                let text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                _ = Array(text.utf8).withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                continue
            }
            if path.hasPrefix("/early") {
                reply("early")
                while fill() {}
                return
            }
            while buffer.count < length {
                if !fill() {
                    state.withLock { $0.closedMidBody += 1 }
                    return
                }
            }
            buffer.removeFirst(length)
            if path.hasPrefix("/close-after") {
                reply("closing")
                return
            }
            reply("ok \(number)")
        }
    }
}

/// The Python model server (Tests/DriftAgentTests/Python/model_server.py) as a child process.
enum PythonModelServer {
    /// Starts it with `arguments` and waits until it listens.
    /// - Returns: the process (the caller stops it) and the port it listens on.
    /// - Throws: ``HarnessError`` when it does not start or reports no port.
    static func start(_ arguments: [String] = []) throws -> (process: RunningProcess, port: Int) {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("Python")
        let model = try ChildProcess.startPython(folder.appendingPathComponent("model_server.py"), arguments)
        guard model.waitForOutput(containing: "listening on", timeout: .seconds(60)) else {
            model.signal(SIGKILL)
            throw HarnessError(message: "the model server did not start: \(model.standardErrorSoFar)")
        }
        let line = model.standardOutputSoFar.split(separator: "\n").first { $0.hasPrefix("listening on") }
        guard let port = line.flatMap({ Int($0.split(separator: " ").last ?? "") }) else {
            model.signal(SIGKILL)
            throw HarnessError(message: "no port in \(model.standardOutputSoFar)")
        }
        return (model, port)
    }
}
