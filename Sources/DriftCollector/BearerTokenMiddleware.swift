import DriftHTTPSecurity
import Hummingbird

/// ``BearerTokenPolicy`` as Hummingbird middleware for the collector's API: a request the policy refuses is
/// answered 401 with a `WWW-Authenticate: Bearer` header.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: BearerTokenPolicy

    /// - Parameters:
    ///   - token: the token clients must present.
    ///   - protectReads: whether GET and HEAD (other than the probes) need it too.
    init(token: String, protectReads: Bool) {
        self.policy = BearerTokenPolicy(token: token, protectReads: protectReads)
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let isRead = request.method == .get || request.method == .head
        guard policy.permits(isRead: isRead, path: request.uri.path, authorization: request.headers[.authorization])
        else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = BearerTokenPolicy.challenge
            headers[.contentType] = "application/json"
            return Response(
                status: .unauthorized,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: BearerTokenPolicy.unauthorizedBody))
            )
        }
        return try await next(request, context)
    }
}
