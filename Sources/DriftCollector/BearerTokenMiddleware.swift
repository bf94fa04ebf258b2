import Hummingbird

/// Requires `Authorization: Bearer <token>` on the collector's write endpoints (every method but GET and HEAD),
/// and, when `protectReads` is set, on reads too — except `/healthz` and `/readyz`, which probes call without
/// credentials. A missing or wrong token answers 401 with a `WWW-Authenticate: Bearer` header. Tokens are compared
/// in constant time.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let protectReads: Bool

    init(token: String, protectReads: Bool) {
        self.token = Array(token.utf8)
        self.protectReads = protectReads
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let isRead = request.method == .get || request.method == .head
        let path = request.uri.path
        let exempt = path == "/healthz" || path == "/readyz"
        guard !exempt, !isRead || protectReads else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), Self.equal(Array(header.utf8.dropFirst(7)), token) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"driftwatch\""
            headers[.contentType] = "application/json"
            return Response(
                status: .unauthorized,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"a valid bearer token is required"}"#))
            )
        }
        return try await next(request, context)
    }

    /// Compares without an early exit, so the time taken does not reveal how much of a guess was right.
    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= (index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0)
        }
        return difference == 0
    }
}
