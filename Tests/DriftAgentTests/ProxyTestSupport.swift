import AsyncHTTPClient
import DriftAgent
import DriftAgentHTTP
import Foundation
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

    static let pythonFolder = Bundle.module.resourceURL!.appendingPathComponent("Python")

    /// Runs `body` with a model server and a proxy configured by `configure`, then stops both.
    static func with(
        upstream: String? = nil,
        configure: (inout ReverseProxyConfiguration) -> Void = { _ in },
        _ body: (ProxyHarness) async throws -> Void
    ) async throws {
        let model = try ChildProcess.startPython(pythonFolder.appendingPathComponent("model_server.py"), [])
        defer {
            // SIGKILL: children of this multi-threaded process start with most signals blocked.
            model.signal(SIGKILL)
            _ = try? model.waitForExit(timeout: .seconds(10))
        }
        guard model.waitForOutput(containing: "listening on", timeout: .seconds(60)) else {
            throw HarnessError(message: "the model server did not start: \(model.standardErrorSoFar)")
        }
        let line = model.standardOutputSoFar.split(separator: "\n").first { $0.hasPrefix("listening on") }
        guard let modelPort = line.flatMap({ Int($0.split(separator: " ").last ?? "") }) else {
            throw HarnessError(message: "no port in \(model.standardOutputSoFar)")
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
                ProxyHarness(modelPort: modelPort, proxyPort: proxyPort, proxy: proxy, sink: sink, client: client)
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
