/// Where the proxy forwards to, read once from the configuration's upstream URL: scheme, host, port, the
/// authority for a `Host` header, and the path prefix put before each request's own path and query.
struct UpstreamTarget: Sendable, Hashable {
    /// Whether the upstream speaks HTTPS.
    var tls: Bool
    /// The host name or IP address (without brackets for IPv6).
    var host: String
    /// The port (80 or 443 when the URL gives none).
    var port: Int
    /// `host:port` as written in the URL, for the `Host` header.
    var authority: String
    /// The path prefix without a trailing slash ("" for none).
    var pathPrefix: String

    /// Parses a base URL checked by ``ReverseProxyConfiguration/upstreamBase()``.
    /// - Throws: ``AgentHTTPError`` with code `invalid-configuration` when the port is not a number.
    init(base: String) throws(AgentHTTPError) {
        let schemeEnd = base.range(of: "://")?.upperBound ?? base.startIndex
        tls = base[..<schemeEnd].lowercased() == "https://"
        let rest = base[schemeEnd...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        authority = String(rest[..<authorityEnd])
        pathPrefix = String(rest[authorityEnd...])
        var hostPart = Substring(authority)
        var portPart: Substring?
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            let afterClose = hostPart.index(after: close)
            if afterClose < hostPart.endIndex, hostPart[afterClose] == ":" {
                portPart = hostPart[hostPart.index(after: afterClose)...]
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        host = String(hostPart)
        if let portPart {
            guard let value = Int(portPart), (1...65_535).contains(value) else {
                throw .invalidConfiguration(
                    "upstream '\(base)': the port '\(portPart)' is not a number from 1 to 65535"
                )
            }
            port = value
        } else {
            port = tls ? 443 : 80
        }
    }
}
