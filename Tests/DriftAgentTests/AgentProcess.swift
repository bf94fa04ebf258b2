import Foundation
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `driftwatch agent` (or `driftwatch-agent`) child process with the addresses it reported in its log.
final class AgentProcess: Sendable {
    let process: RunningProcess
    /// The agent's own HTTP address (`/metrics`, `/healthz`, `/labels`).
    let httpAddress: String
    /// The proxy's address, when it runs one.
    let proxyAddress: String?
    /// The UDP JSON-lines port, when it listens on one.
    let udpPort: UInt16?

    /// Starts `driftwatch agent` with `arguments` (plus `--http 127.0.0.1:0`) and waits until it listens; with
    /// `standalone`, the agent-only executable `driftwatch-agent` instead.
    init(_ arguments: [String], expectProxy: Bool = false, expectUDP: Bool = false, standalone: Bool = false) throws {
        let process =
            try standalone
            ? ChildProcess.start(
                ChildProcess.productsDirectory.appendingPathComponent("driftwatch-agent"),
                ["--http", "127.0.0.1:0"] + arguments
            )
            : ChildProcess.start(ChildProcess.driftwatchExecutable, ["agent", "--http", "127.0.0.1:0"] + arguments)
        guard process.waitForOutput(containing: "http.address=", timeout: .seconds(60)),
            !expectProxy || process.waitForOutput(containing: "proxy.address=", timeout: .seconds(30)),
            !expectUDP || process.waitForOutput(containing: "ingest.address=udp://", timeout: .seconds(30))
        else {
            process.signal(SIGKILL)
            throw AgentDidNotStart(log: process.standardErrorSoFar)
        }
        let log = process.standardErrorSoFar
        guard let http = Self.value(of: "http.address", in: log) else { throw AgentDidNotStart(log: log) }
        self.process = process
        httpAddress = http
        proxyAddress = Self.value(of: "proxy.address", in: log)
        udpPort = Self.value(of: "ingest.address", in: log).flatMap { $0.split(separator: ":").last }
            .flatMap { UInt16($0) }
    }

    static func value(of key: String, in log: String) -> String? {
        guard let range = log.range(of: "\(key)=") else { return nil }
        return String(log[range.upperBound...].prefix { !$0.isWhitespace })
    }

    /// The value of one series of the agent's `/metrics` (summed over label sets matching `labels`).
    func metric(_ name: String, labels: String = "") async throws -> Double {
        let (_, text) = try await HTTP.request("GET", "http://\(httpAddress)/metrics")
        var total = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix("driftwatch_agent_\(name){") {
            if !labels.isEmpty && !line.contains(labels) { continue }
            total += line.split(separator: " ").last.flatMap { Double($0) } ?? 0
        }
        return total
    }

    /// Polls `metric` until `condition` holds or `timeout` passes; returns the last value.
    func waitForMetric(
        _ name: String,
        labels: String = "",
        timeout: Duration = .seconds(60),
        until condition: (Double) -> Bool
    ) async throws -> Double {
        let deadline = ContinuousClock.now + timeout
        var value = try await metric(name, labels: labels)
        while !condition(value) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            value = try await metric(name, labels: labels)
        }
        return value
    }
}

struct AgentDidNotStart: Error, CustomStringConvertible {
    let log: String
    var description: String { "the agent did not start; log:\n\(log)" }
}

/// Plain HTTP requests for the tests.
enum HTTP {
    static func request(
        _ method: String,
        _ url: String,
        body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}

extension CollectorProcess {
    /// The collector's snapshot of one model version (`/api/v1/models/{model}`), or nil while it is unknown.
    func modelVersion(_ model: String, version: String = "") async throws -> [String: Any]? {
        let (status, body) = try await get("/api/v1/models/\(model)")
        guard status == 200,
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let versions = object["versions"] as? [[String: Any]]
        else { return nil }
        return versions.first { ($0["version"] as? String) == version }
    }

    /// Polls the model version's snapshot until `condition` holds or `timeout` passes; returns the last one.
    func waitForModel(
        _ model: String,
        version: String = "",
        timeout: Duration = .seconds(60),
        until condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + timeout
        var snapshot = try await modelVersion(model, version: version)
        while !(snapshot.map(condition) ?? false) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            snapshot = try await modelVersion(model, version: version)
        }
        return snapshot
    }
}

/// Sends JSON lines to the agent's UDP listener.
struct UDPSender {
    private let descriptor: Int32
    private var address: sockaddr_in

    init(port: UInt16) {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    }

    func send(_ line: String) {
        var target = address
        _ = line.utf8CString.withUnsafeBufferPointer { text in
            withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(
                        descriptor,
                        text.baseAddress,
                        text.count - 1,
                        0,
                        $0,
                        socklen_t(MemoryLayout<sockaddr_in>.size)
                    )
                }
            }
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// A collector configuration that decides quickly, and traffic that drifts under it: 40 reference events per model
/// near 0, then 40 near 6, so a model's data-drift alert fires after its 80th event.
enum QuickDrift {
    /// Writes the configuration (plus `extra` top-level YAML) into `directory`; returns its path.
    static func configuration(in directory: URL, extra: String = "") throws -> String {
        let path = directory.appendingPathComponent("collector.yaml").path
        try """
        defaults:
          evaluate_every_events: 20
          reference:
            policy: first_events
            events: 40
          current_window_events: 40
          data_drift:
            min_samples: 20
          alerts:
            for: 0s
            keep_firing_for: 10m
        \(extra)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The 80 JSON lines of one model: 40 reference values near 0, then 40 drifted ones near 6.
    static func lines(_ model: String) -> [String] {
        (0..<80).map { index in
            let value = (index < 40 ? 0.0 : 6.0) + Double((index * 7) % 13) / 13
            return #"{"model":"\#(model)","features":{"x":\#(value)}}"#
        }
    }
}
