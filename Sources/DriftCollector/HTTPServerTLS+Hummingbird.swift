import DriftHTTPSecurity
import HummingbirdCore
import HummingbirdTLS

extension HTTPServerTLS {
    /// The server channel for a Hummingbird application: HTTP/1.1, inside TLS when `tls` is given.
    /// - Throws: when swift-nio-ssl cannot build the TLS context (already checked by ``init(certificatePath:keyPath:)``).
    static func server(_ tls: HTTPServerTLS?) throws -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        return try .tls(.http1(), tlsConfiguration: tls.configuration)
    }
}
