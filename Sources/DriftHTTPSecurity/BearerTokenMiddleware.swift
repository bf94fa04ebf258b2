import Hummingbird

/// Requires `Authorization: Bearer <token>` on an HTTP server's write endpoints (every method but GET and HEAD),
/// and, when `protectReads` is set, on reads too — except the probe paths (`/healthz`, `/readyz`), which
/// orchestrators call without credentials. A missing or wrong token answers 401 with a `WWW-Authenticate: Bearer`
/// header. Tokens are compared in constant time. Used by the collector's API and the agent's admin server.
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The paths that never need the token: health and readiness probes.
    public static var probePaths: Set<String> { ["/healthz", "/readyz"] }

    let token: [UInt8]
    let protectReads: Bool

    /// - Parameters:
    ///   - token: the token clients must present.
    ///   - protectReads: whether GET and HEAD (other than the probes) need it too.
    public init(token: String, protectReads: Bool) {
        self.token = Array(token.utf8)
        self.protectReads = protectReads
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let isRead = request.method == .get || request.method == .head
        let exempt = Self.probePaths.contains(request.uri.path)
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
