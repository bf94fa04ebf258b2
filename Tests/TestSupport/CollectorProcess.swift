import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `driftwatch collector` child process on ephemeral loopback ports, with the endpoints it actually bound.
public final class CollectorProcess: Sendable {
    /// The child process.
    public let process: RunningProcess
    /// ROUTER endpoint for agents.
    public let ingestEndpoint: String
    /// PUB endpoint for alert subscribers.
    public let alertEndpoint: String
    /// HTTP port.
    public let httpPort: Int

    /// Starts a collector with `arguments` added to ephemeral-port defaults and waits until it is ready.
    /// - Throws: when it does not report its sockets and HTTP port within `timeout`.
    public init(_ arguments: [String] = [], timeout: Duration = .seconds(60)) throws {
        let process = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            ["collector", "--ingest", "tcp://127.0.0.1:*", "--alerts", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0"]
                + arguments
        )
        guard process.waitForOutput(containing: "http.address=", timeout: timeout),
            process.waitForOutput(containing: "zmq.ingest=", timeout: timeout)
        else {
            throw CollectorDidNotStart(standardError: process.standardErrorSoFar)
        }
        let log = process.standardErrorSoFar
        guard let ingest = Self.value(of: "zmq.ingest", in: log), let alerts = Self.value(of: "zmq.alerts", in: log),
            let address = Self.value(of: "http.address", in: log),
            let port = address.split(separator: ":").last.flatMap({ Int($0) })
        else {
            throw CollectorDidNotStart(standardError: log)
        }
        self.process = process
        self.ingestEndpoint = ingest
        self.alertEndpoint = alerts
        self.httpPort = port
    }

    /// The value of `key=value` in a swift-log line.
    static func value(of key: String, in log: String) -> String? {
        guard let range = log.range(of: "\(key)=") else { return nil }
        let rest = log[range.upperBound...]
        return String(rest.prefix { !$0.isWhitespace })
    }

    /// GET `path` on the collector's HTTP server; returns the status and body.
    public func get(_ path: String) async throws -> (status: Int, body: String) {
        try await request("GET", path)
    }

    /// Sends a request with an empty body.
    public func request(_ method: String, _ path: String) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Sends SIGTERM and waits for a clean exit.
    public func stop(timeout: Duration = .seconds(30)) throws -> ChildProcess.Output {
        process.signal(SIGTERM)
        return try process.waitForExit(timeout: timeout)
    }
}

/// The collector exited or did not report its endpoints in time.
public struct CollectorDidNotStart: Error, CustomStringConvertible {
    /// Its log so far.
    public let standardError: String
    public var description: String { "collector did not start; log:\n\(standardError)" }
}
