import DriftAgent
import DriftHTTPSecurity
import Foundation
import Hummingbird
import Logging

/// The agent's own HTTP endpoints (Hummingbird), on an address apart from the proxied model traffic so that no
/// model path is shadowed:
///
/// | route | what |
/// |---|---|
/// | `GET /healthz` | 200 with a JSON status while the delivery worker runs; 503 once it stopped |
/// | `GET /metrics` | Prometheus text (``AgentMetrics``) |
/// | `POST /labels` | delayed labels: one JSON object, an array of them, or JSON lines (docs/agent.md) |
///
/// With an API token, `POST /labels` (and with `apiTokenForReads` also `/metrics`) requires
/// `Authorization: Bearer <token>` (``BearerTokenMiddleware``); `/healthz` stays open for probes.
public enum AgentAdminServer {
    /// The answer to `POST /labels`.
    struct LabelsResponse: Codable {
        var accepted: Int
        var rejected: Int
        var errors: [String]
    }

    /// The answer to `GET /healthz`.
    struct HealthResponse: Codable {
        var status: String
        var agentID: String
        var collector: String
        var pendingBatches: Int
        var pendingEvents: Int
        var secondsSinceAcknowledgement: Double?

        enum CodingKeys: String, CodingKey {
            case status
            case agentID = "agent_id"
            case collector
            case pendingBatches = "pending_batches"
            case pendingEvents = "pending_events"
            case secondsSinceAcknowledgement = "seconds_since_acknowledgement"
        }
    }

    /// Builds the admin application.
    /// - Parameters:
    ///   - metrics: the exposition (also gives the agent).
    ///   - labels: decodes label bodies; its default model applies to labels that name none.
    ///   - agentsSink: where labels go when there are several agents (the shard router); default the only agent.
    ///   - host: the address to bind.
    ///   - port: the port (0 picks one).
    ///   - logger: the server's logger.
    ///   - apiToken: a bearer token required on `POST /labels`; nil leaves the endpoints open.
    ///   - apiTokenForReads: whether `/metrics` needs the token too (`/healthz` never does).
    ///   - tls: serve HTTPS with this certificate and key; nil serves plain HTTP.
    ///   - onRunning: called with the bound port once listening.
    public static func makeApplication(
        metrics: AgentMetrics,
        labels: JSONLineDecoder,
        agentsSink: (any AgentEventSink)? = nil,
        host: String,
        port: Int,
        logger: Logger,
        apiToken: String? = nil,
        apiTokenForReads: Bool = false,
        tls: HTTPServerTLS? = nil,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let agents = metrics.sources.agents
        let sink: any AgentEventSink = agentsSink ?? agents[0]
        let router = Router()
        if let apiToken {
            router.add(middleware: BearerTokenMiddleware(token: apiToken, protectReads: apiTokenForReads))
        }
        router.get("healthz") { _, _ -> Response in
            // With several collector shards, the least healthy shard speaks for the agent.
            let all = agents.map(\.statistics)
            let stopped = all.contains { $0.stopped }
            let waiting = all.filter { $0.pendingBatches > 0 }
            let seconds = waiting.compactMap { statistics -> Double? in
                guard let last = statistics.lastAcknowledgement else { return nil }
                let since = ContinuousClock.now - last
                return Double(since.components.seconds) + Double(since.components.attoseconds) / 1e18
            }.max()
            let silent = waiting.contains { $0.lastAcknowledgement == nil } || (seconds.map { $0 >= 10 } ?? false)
            let health = HealthResponse(
                status: stopped ? "stopped" : "ok",
                agentID: all.map(\.agentID).joined(separator: ","),
                collector: waiting.isEmpty ? "up to date" : silent ? "not acknowledging" : "acknowledging",
                pendingBatches: all.reduce(0) { $0 + $1.pendingBatches },
                pendingEvents: all.reduce(0) { $0 + $1.pendingEvents },
                secondsSinceAcknowledgement: seconds
            )
            return json(health, status: stopped ? .serviceUnavailable : .ok)
        }
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: metrics.render()))
            )
        }
        router.post("labels") { request, context -> Response in
            let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
            let result = ingestLabels(Array(buffer: body), decoder: labels, into: sink)
            let status: HTTPResponse.Status = result.accepted == 0 && result.rejected > 0 ? .badRequest : .accepted
            return json(result, status: status)
        }
        return Application(
            router: router,
            server: try HTTPServerTLS.server(tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "driftwatch-agent"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Decodes a labels body (an object, an array of objects, or JSON lines) and records each label.
    static func ingestLabels(
        _ body: [UInt8],
        decoder: JSONLineDecoder,
        into sink: any AgentEventSink
    )
        -> LabelsResponse
    {
        var response = LabelsResponse(accepted: 0, rejected: 0, errors: [])
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        func record(_ decode: () throws(AgentError) -> JSONLineDecoder.Item) {
            do {
                guard case .label(let label) = try decode() else {
                    response.rejected += 1
                    response.errors.append("only labels are accepted here")
                    return
                }
                if sink.record(label) {
                    response.accepted += 1
                } else {
                    response.rejected += 1
                    response.errors.append("queue full")
                }
            } catch {
                response.rejected += 1
                if response.errors.count < 20 { response.errors.append(error.message) }
            }
        }
        if case .array(let elements)? = try? JSONValue.parse(body) {
            for element in elements {
                record { () throws(AgentError) in try decoder.decode(element, now: now, defaultType: "label") }
            }
            return response
        }
        for line in body.split(separator: 0x0A) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
            let text = Array(line)
            record { () throws(AgentError) in
                try decoder.decode(JSONValue.parse(text), text: text, now: now, defaultType: "label")
            }
        }
        return response
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
