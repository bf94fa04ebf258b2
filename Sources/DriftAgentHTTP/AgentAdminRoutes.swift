import DriftAgent
import DriftHTTPSecurity
import Foundation
import NIOCore
import NIOHTTP1

/// One answer of the admin server: status, content type, extra headers and body.
struct AgentAdminAnswer: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    var headers: [(String, String)] = []
    var body: ByteBuffer

    /// A JSON answer.
    static func json(_ value: some Encodable, status: HTTPResponseStatus) -> AgentAdminAnswer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return AgentAdminAnswer(status: status, contentType: "application/json", body: ByteBuffer(bytes: data))
    }

    /// A JSON error answer: `{"error": message}`.
    static func error(
        _ status: HTTPResponseStatus,
        _ message: String,
        headers: [(String, String)] = []
    )
        -> AgentAdminAnswer
    {
        var answer = json(["error": message], status: status)
        answer.headers = headers
        return answer
    }
}

/// What the admin server's endpoints answer, apart from HTTP: routing, the bearer-token check, health, metrics and
/// label ingestion. Read from the event loops (everything it holds is `Sendable`).
struct AgentAdminRoutes: Sendable {
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

    /// What a request asks for, once its path and method are known.
    enum Route {
        case health
        case metrics
        case labels
        case refused(AgentAdminAnswer)
    }

    let metrics: AgentMetrics
    let labels: JSONLineDecoder
    let sink: any AgentEventSink
    /// The bearer-token rule; nil when no token is configured.
    let policy: BearerTokenPolicy?

    /// Resolves a request head: its endpoint, or the answer that refuses it (401, 404, 405).
    func route(_ head: HTTPRequestHead) -> Route {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        let isRead = head.method == .GET || head.method == .HEAD
        if let policy,
            !policy.permits(isRead: isRead, path: path ?? "", authorization: head.headers.first(name: "authorization"))
        {
            return .refused(
                AgentAdminAnswer(
                    status: .unauthorized,
                    contentType: "application/json",
                    headers: [("www-authenticate", BearerTokenPolicy.challenge)],
                    body: ByteBuffer(string: BearerTokenPolicy.unauthorizedBody)
                )
            )
        }
        switch path {
        case "/healthz", "/metrics":
            guard isRead else {
                return .refused(.error(.methodNotAllowed, "use GET", headers: [("allow", "GET, HEAD")]))
            }
            return path == "/healthz" ? .health : .metrics
        case "/labels":
            guard head.method == .POST else {
                return .refused(.error(.methodNotAllowed, "use POST", headers: [("allow", "POST")]))
            }
            return .labels
        default:
            return .refused(
                .error(.notFound, "no such endpoint: \(path ?? head.uri) (try /healthz, /metrics, /labels)")
            )
        }
    }

    /// `GET /healthz`: 200 while every delivery worker runs, 503 once one stopped. With several collector shards,
    /// the least healthy shard speaks for the agent.
    func health() -> AgentAdminAnswer {
        let all = metrics.sources.agents.map(\.statistics)
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
        return .json(health, status: stopped ? .serviceUnavailable : .ok)
    }

    /// `GET /metrics`: the Prometheus text exposition.
    func metricsText() -> AgentAdminAnswer {
        AgentAdminAnswer(
            status: .ok,
            contentType: "text/plain; version=0.0.4; charset=utf-8",
            body: ByteBuffer(string: metrics.render())
        )
    }

    /// `POST /labels`: 202 with the counts when any label was accepted (or the body held none), 400 when every
    /// one was rejected.
    func postLabels(_ body: [UInt8]) -> AgentAdminAnswer {
        let result = Self.ingestLabels(body, decoder: labels, into: sink)
        return .json(result, status: result.accepted == 0 && result.rejected > 0 ? .badRequest : .accepted)
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
}
