import AsyncHTTPClient
import DriftwatchAgentCommand
import Foundation
import NIOSSL

/// A small client of the collector's JSON API (`/api/v1/...`) for the CLI commands that talk to a running collector,
/// over HTTP or HTTPS (AsyncHTTPClient on swift-nio-ssl).
///
/// The address is `HOST:PORT` (plain HTTP) or a base URL (`http://…` or `https://…`). For HTTPS the server's
/// certificate is checked against the system's trust store, or only against the CA certificates of ``caFile``
/// (`--ca-file`, or the `DRIFTWATCH_CA_FILE` environment variable) for a private CA or a self-signed certificate.
/// A collector started with `--api-token-file` gets the token from `DRIFTWATCH_API_TOKEN`.
struct CollectorAPIClient: Sendable {
    /// `HOST:PORT` or a base URL of the collector's HTTP server.
    let address: String
    /// A PEM file of CA certificates to trust for HTTPS instead of the system's; nil uses `DRIFTWATCH_CA_FILE` if set.
    var caFile: String? = nil

    /// The base URL: `address` itself when it names a scheme, else `http://` + `address`, without a trailing slash.
    var baseURL: String {
        let base = address.contains("://") ? address : "http://\(address)"
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// The CA file in force: ``caFile``, else `DRIFTWATCH_CA_FILE`.
    var trustedCAFile: String? {
        if let caFile { return caFile }
        guard let path = ProcessInfo.processInfo.environment["DRIFTWATCH_CA_FILE"], !path.isEmpty else { return nil }
        return path
    }

    /// Sends a request and returns the status and the body; throws ``CommandFailure`` when the collector is
    /// unreachable or its certificate is not trusted.
    func send(_ method: String, _ path: String, json body: [String: String]? = nil) async throws -> (Int, Data) {
        let url = baseURL + path
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            parsed.host?.isEmpty == false
        else {
            throw CommandFailure(
                "the collector's address must be HOST:PORT or an http(s) URL, e.g. https://collector:7780 (got '\(address)')"
            )
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = trustedCAFile {
            guard FileManager.default.isReadableFile(atPath: ca) else {
                throw CommandFailure("cannot read CA file \(ca)")
            }
            tls.trustRoots = .file(ca)
        }
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var request = HTTPClientRequest(url: url)
        request.method = method == "POST" ? .POST : .GET
        // A collector started with --api-token-file requires the same token on writes (docs/security.md).
        if let token = ProcessInfo.processInfo.environment["DRIFTWATCH_API_TOKEN"], !token.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(Array(data))
        }
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            var buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            try await client.shutdown()
            return (Int(response.status.code), Data(bytes))
        } catch {
            try? await client.shutdown()
            throw CommandFailure("cannot reach the collector at \(baseURL): \(error)")
        }
    }

    /// The `error` field of an error answer, or the body as text.
    static func errorMessage(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let message = object["error"] as? String
        {
            return message
        }
        return String(decoding: data, as: UTF8.self)
    }
}
