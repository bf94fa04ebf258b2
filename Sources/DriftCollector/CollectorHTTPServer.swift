import DriftEngine
import DriftHTTPSecurity
import DriftProtocol
import Foundation
import Hummingbird
import Logging

/// The collector's HTTP endpoints (Hummingbird):
///
/// | route | what |
/// |---|---|
/// | `GET /healthz` | 200 while the process serves HTTP |
/// | `GET /readyz` | 200 once the sockets are bound and state is restored, 503 before and while stopping |
/// | `GET /metrics` | Prometheus text: collector counters and per-model figures |
/// | `GET /api/v1/models` | every model and version with its summary |
/// | `GET /api/v1/models/{model}` | one model's versions in detail; 404 when unknown |
/// | `GET /api/v1/models/{model}/compare?incumbent=&candidate=` | a canary version judged against the incumbent |
/// | `GET /api/v1/models/{model}/config` | the configuration in force for that model name (also for unseen ones) |
/// | `GET /api/v1/alerts?state=&model=` | alerts, newest first |
/// | `POST /api/v1/models/{model}/reset-reference?version=` | rebuild the reference from new traffic (after a retrain) |
/// | `GET /api/v1/triggers?model=&state=&limit=` | retraining triggers in the outbox with their delivery states |
/// | `GET /api/v1/triggers/{id}` | one trigger with its payload; 404 when unknown |
/// | `POST /api/v1/triggers` | a manual trigger: `{"model", "version"?, "reason", "trigger_id"?}`; 201 once recorded |
///
/// With `tls` (``HTTPServerTLS``) every route is served over HTTPS only; a plain HTTP request fails the handshake.
enum CollectorHTTPServer {
    static func makeApplication(
        core: CollectorCore,
        host: String,
        port: Int,
        logger: Logger,
        apiToken: String? = nil,
        apiTokenForReads: Bool = false,
        tls: HTTPServerTLS? = nil,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router()
        if let apiToken {
            router.add(middleware: BearerTokenMiddleware(token: apiToken, protectReads: apiTokenForReads))
        }
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let status = core.current
            let ready = status.ready && !status.stopped && !core.isStopRequested
            return plain(ready ? "ready\n" : "not ready\n", status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ -> Response in
            var text = core.metrics.registry.emitToString()
            MetricsExposition.append(core.current, to: &text)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("api/v1/models") { _, _ -> Response in
            json(ModelsResponse(models: core.current.snapshot.models.map(ModelSummary.init)))
        }
        router.get("api/v1/models/:model") { _, context -> Response in
            let name = context.parameters.get("model") ?? ""
            let versions = core.current.snapshot.models.filter { $0.model == name }
            guard !versions.isEmpty else {
                return json(ErrorResponse(error: "unknown model \(name)"), status: .notFound)
            }
            return json(ModelDetailResponse(model: name, versions: versions))
        }
        router.get("api/v1/models/:model/compare") { request, context -> Response in
            let name = context.parameters.get("model") ?? ""
            let versions = core.current.snapshot.models.filter { $0.model == name }
            guard !versions.isEmpty else {
                return json(ErrorResponse(error: "unknown model \(name)"), status: .notFound)
            }
            // Defaults: the incumbent has seen the most events; the candidate is the newest other version.
            let incumbent =
                request.uri.queryParameters.get("incumbent").map { String($0) }
                ?? versions.max { $0.eventsSeen < $1.eventsSeen }?.version ?? ""
            guard
                let candidate = request.uri.queryParameters.get("candidate").map({ String($0) })
                    ?? versions.last(where: { $0.version != incumbent })?.version
            else {
                return json(ErrorResponse(error: "\(name) has one version; nothing to compare"), status: .badRequest)
            }
            guard incumbent != candidate else {
                return json(ErrorResponse(error: "incumbent and candidate are the same version"), status: .badRequest)
            }
            let comparison = await withCheckedContinuation { continuation in
                core.send(
                    .compareVersions(
                        model: name,
                        incumbent: incumbent,
                        candidate: candidate,
                        reply: { continuation.resume(returning: $0) }
                    )
                )
            }
            guard let comparison else {
                return json(
                    ErrorResponse(error: "unknown version \(incumbent) or \(candidate) of \(name)"),
                    status: .notFound
                )
            }
            return json(comparison)
        }
        router.get("api/v1/models/:model/config") { _, context -> Response in
            let name = context.parameters.get("model") ?? ""
            return json(core.current.resolver.configuration(forModel: name))
        }
        router.get("api/v1/alerts") { request, _ -> Response in
            let state = request.uri.queryParameters.get("state").map { String($0) }
            let model = request.uri.queryParameters.get("model").map { String($0) }
            if let state, AlertState(rawValue: state) == nil {
                return json(ErrorResponse(error: "state must be pending, firing or resolved"), status: .badRequest)
            }
            let alerts = core.current.alerts.values
                .filter { alert in state.map { alert.state.rawValue == $0 } ?? true }
                .filter { alert in model.map { alert.model == $0 } ?? true }
                .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
            return json(AlertsResponse(alerts: alerts))
        }
        router.post("api/v1/models/:model/reset-reference") { request, context -> Response in
            let name = context.parameters.get("model") ?? ""
            guard core.current.snapshot.models.contains(where: { $0.model == name }) else {
                return json(ErrorResponse(error: "unknown model \(name)"), status: .notFound)
            }
            let version: String? = request.uri.queryParameters.get("version").map { String($0) }
            core.send(.resetReference(model: name, version: version))
            return json(ResetResponse(model: name, version: version, status: "reset queued"), status: .accepted)
        }
        addTriggerRoutes(to: router, core: core)
        return Application(
            router: router,
            server: try HTTPServerTLS.server(tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "driftwatch"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    private static func addTriggerRoutes(to router: Router<BasicRequestContext>, core: CollectorCore) {
        router.get("api/v1/triggers") { request, _ -> Response in
            guard let outbox = core.triggers else { return json(TriggersResponse(triggers: [])) }
            let model = request.uri.queryParameters.get("model").map { String($0) }
            let stateText = request.uri.queryParameters.get("state").map { String($0) }
            let state = stateText.flatMap(TriggerRecord.State.init(rawValue:))
            if stateText != nil && state == nil {
                let states = TriggerRecord.State.allCases.map(\.rawValue).joined(separator: ", ")
                return json(ErrorResponse(error: "state must be one of \(states)"), status: .badRequest)
            }
            let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 1000
            let records = try outbox.list(model: model, state: state, limit: max(1, limit))
            return json(TriggersResponse(triggers: records))
        }
        router.get("api/v1/triggers/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            guard let record = try core.triggers?.trigger(id: id) else {
                return json(ErrorResponse(error: "unknown trigger \(id)"), status: .notFound)
            }
            return json(record)
        }
        router.post("api/v1/triggers") { request, _ -> Response in
            guard let outbox = core.triggers else {
                return json(ErrorResponse(error: "triggers are not enabled"), status: .serviceUnavailable)
            }
            let buffer = try await request.body.collect(upTo: 65_536)
            guard let body = try? JSONDecoder().decode(ManualTriggerBody.self, from: Data(buffer.readableBytesView))
            else {
                return json(
                    ErrorResponse(
                        error: "expected a JSON object {\"model\", \"reason\", \"version\"?, \"trigger_id\"?}"
                    ),
                    status: .badRequest
                )
            }
            guard !body.reason.isEmpty, body.reason.utf8.count <= 1000 else {
                return json(ErrorResponse(error: "reason must be 1–1000 bytes"), status: .badRequest)
            }
            if let id = body.triggerID, id.isEmpty || id.utf8.count > 200 {
                return json(ErrorResponse(error: "trigger_id must be 1–200 bytes"), status: .badRequest)
            }
            if let id = body.triggerID, let existing = try outbox.trigger(id: id) {
                return json(existing, status: .ok)
            }
            let versions = core.current.snapshot.models.filter { $0.model == body.model }.map(\.version)
            guard !versions.isEmpty else {
                return json(ErrorResponse(error: "unknown model \(body.model)"), status: .notFound)
            }
            let version: String
            if let asked = body.version {
                guard versions.contains(asked) else {
                    return json(ErrorResponse(error: "unknown version \(asked) of \(body.model)"), status: .notFound)
                }
                version = asked
            } else if versions.count == 1 {
                version = versions[0]
            } else {
                return json(
                    ErrorResponse(error: "\(body.model) has versions \(versions.joined(separator: ", ")); name one"),
                    status: .badRequest
                )
            }
            let id = body.triggerID ?? "man-" + UUID().uuidString.lowercased()
            core.send(
                .manualTrigger(ManualTriggerRequest(id: id, model: body.model, version: version, reason: body.reason))
            )
            // The ingest thread records it within a tick; answer once it is durable.
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let record = try outbox.trigger(id: id) { return json(record, status: .created) }
                try await Task.sleep(for: .milliseconds(50))
            }
            return json(
                ErrorResponse(error: "trigger \(id) was queued but not recorded within 10 s"),
                status: .accepted
            )
        }
    }

    private static func plain(_ text: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{\"error\":\"encoding failed\"}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

private struct ErrorResponse: Encodable { let error: String }
private struct TriggersResponse: Encodable { let triggers: [TriggerRecord] }
private struct ManualTriggerBody: Decodable {
    let model: String
    let version: String?
    let reason: String
    let triggerID: String?

    enum CodingKeys: String, CodingKey {
        case model, version, reason
        case triggerID = "trigger_id"
    }
}
private struct AlertsResponse: Encodable { let alerts: [Alert] }
private struct ResetResponse: Encodable {
    let model: String
    let version: String?
    let status: String
}
