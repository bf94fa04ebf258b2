/// Who may call an HTTP server's endpoints when it has an API token: `Authorization: Bearer <token>` is required on
/// the write endpoints (every method but GET and HEAD), and, when `protectReads` is set, on reads too — except the
/// probe paths (`/healthz`, `/readyz`), which orchestrators call without credentials. Tokens are compared in
/// constant time.
///
/// Framework-free, so that the collector's API (Hummingbird) and the agent's admin server (SwiftNIO) apply the
/// same rule; each answers a refusal with ``unauthorizedBody`` and a `WWW-Authenticate: ` ``challenge`` header.
public struct BearerTokenPolicy: Sendable {
    /// The paths that never need the token: health and readiness probes.
    public static var probePaths: Set<String> { ["/healthz", "/readyz"] }

    /// The `WWW-Authenticate` header value of a 401 answer.
    public static let challenge = "Bearer realm=\"driftwatch\""

    /// The JSON body of a 401 answer.
    public static let unauthorizedBody = #"{"error":"a valid bearer token is required"}"#

    let token: [UInt8]
    let protectReads: Bool

    /// - Parameters:
    ///   - token: the token clients must present.
    ///   - protectReads: whether GET and HEAD (other than the probes) need it too.
    public init(token: String, protectReads: Bool) {
        self.token = Array(token.utf8)
        self.protectReads = protectReads
    }

    /// Whether a request may proceed.
    /// - Parameters:
    ///   - isRead: the method is GET or HEAD.
    ///   - path: the request's path, without the query.
    ///   - authorization: the `Authorization` header, if any.
    public func permits(isRead: Bool, path: String, authorization: String?) -> Bool {
        if Self.probePaths.contains(path) || (isRead && !protectReads) { return true }
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        return Self.equal(Array(authorization.utf8.dropFirst(7)), token)
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
