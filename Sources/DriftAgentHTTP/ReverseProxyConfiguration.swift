import DriftHTTPSecurity
import NIOSSL

/// The settings of the agent's HTTP reverse proxy (`driftwatch agent --listen … --upstream …`).
///
/// Defaults suit a sidecar on the same host as the model: listen on 127.0.0.1:8080, record every POST request,
/// wait up to 30 s for the model's answer.
public struct ReverseProxyConfiguration: Sendable {
    /// The address the proxy listens on (default `127.0.0.1`).
    public var listenHost: String
    /// The port the proxy listens on; 0 picks a free port (default 8080).
    public var listenPort: Int
    /// The model server's base URL, `http://host:port` with an optional path prefix (no query). Requests are
    /// forwarded to this base followed by the request's own path and query.
    public var upstream: String
    /// The model name put on every event.
    public var model: String
    /// The model version put on every event (default "").
    public var modelVersion: String
    /// The header carrying the request id (default `X-Request-ID`); generated (a UUID) when absent, forwarded
    /// upstream and echoed in the response.
    public var requestIDHeader: String
    /// Whether the client's `Host` header is forwarded as is (default true); when false the upstream sees the
    /// host and port of ``upstream``, as from a direct call.
    public var preserveHostHeader: Bool
    /// The fraction of requests recorded, 0 to 1 (default 1), decided from the request id by ``RequestSampler``.
    /// Unsampled requests are still forwarded.
    public var samplingRate: Double
    /// The HTTP methods whose requests are recorded (default POST); others are forwarded only.
    public var recordedMethods: Set<String>
    /// The largest request or response body copied for extraction, in bytes (default 1 MiB). Larger bodies are
    /// forwarded in full but not extracted.
    public var captureLimitBytes: Int
    /// How long to wait for the upstream's response head (default 30 s); then 504.
    public var upstreamTimeout: Duration
    /// The longest silence while reading the upstream's response body (default 30 s).
    public var upstreamReadTimeout: Duration
    /// How long to wait for a connection to the upstream (default 5 s); then 502.
    public var connectTimeout: Duration
    /// How long an upstream connection may sit idle and still carry the next request (default 1 s); an older one is
    /// closed and a new one opened. Model servers close idle connections themselves (gunicorn after 2 s, uvicorn
    /// after 5 s), and a request written just as the server closes is lost with a 502: keep this below the model
    /// server's own keep-alive timeout.
    public var upstreamIdleTimeout: Duration
    /// The most upstream connections open at once (default 512); a request beyond it is answered 503 at once.
    public var maximumUpstreamConnections: Int
    /// How features and predictions are read from the bodies.
    public var extraction: PayloadExtractor.Configuration
    /// TLS for the listener (the model's clients then speak HTTPS to the proxy); nil listens in plain HTTP.
    public var tls: HTTPServerTLS? = nil
    /// For an `https://` upstream: a PEM file of the CA certificates (or the self-signed certificate) to trust
    /// instead of the system's trust store, for a model server with a certificate from a private CA; nil trusts
    /// the system's store.
    public var upstreamCAFile: String? = nil

    /// Creates a configuration.
    /// - Parameters:
    ///   - upstream: the model server's base URL, e.g. `http://127.0.0.1:9000`.
    ///   - model: the model name.
    ///   - modelVersion: the model version ("" for none).
    ///   - listenHost: the address to listen on.
    ///   - listenPort: the port to listen on (0: any free port).
    ///   - requestIDHeader: the request id header.
    ///   - preserveHostHeader: whether the client's `Host` header is forwarded.
    ///   - samplingRate: the fraction of requests recorded.
    ///   - recordedMethods: the methods recorded.
    ///   - captureLimitBytes: the largest body extracted.
    ///   - upstreamTimeout: the wait for the response head.
    ///   - upstreamReadTimeout: the longest silence in the response body.
    ///   - connectTimeout: the wait for a connection.
    ///   - upstreamIdleTimeout: the longest idle time after which an upstream connection is still reused.
    ///   - maximumUpstreamConnections: the connection pool size.
    ///   - extraction: the payload extraction settings.
    public init(
        upstream: String,
        model: String,
        modelVersion: String = "",
        listenHost: String = "127.0.0.1",
        listenPort: Int = 8080,
        requestIDHeader: String = "X-Request-ID",
        preserveHostHeader: Bool = true,
        samplingRate: Double = 1,
        recordedMethods: Set<String> = ["POST"],
        captureLimitBytes: Int = 1 << 20,
        upstreamTimeout: Duration = .seconds(30),
        upstreamReadTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(5),
        upstreamIdleTimeout: Duration = .seconds(1),
        maximumUpstreamConnections: Int = 512,
        extraction: PayloadExtractor.Configuration = .init()
    ) {
        self.upstream = upstream
        self.model = model
        self.modelVersion = modelVersion
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.requestIDHeader = requestIDHeader
        self.preserveHostHeader = preserveHostHeader
        self.samplingRate = samplingRate
        self.recordedMethods = recordedMethods
        self.captureLimitBytes = captureLimitBytes
        self.upstreamTimeout = upstreamTimeout
        self.upstreamReadTimeout = upstreamReadTimeout
        self.connectTimeout = connectTimeout
        self.upstreamIdleTimeout = upstreamIdleTimeout
        self.maximumUpstreamConnections = maximumUpstreamConnections
        self.extraction = extraction
    }

    /// Checks every setting.
    /// - Throws: ``AgentHTTPError`` with code `invalid-configuration` naming the first bad setting.
    public func validate() throws(AgentHTTPError) {
        _ = try upstreamBase()
        guard !model.isEmpty, model.utf8.count <= 1_024 else {
            throw .invalidConfiguration("model: a name of 1 to 1,024 bytes is required")
        }
        guard (0...65_535).contains(listenPort) else {
            throw .invalidConfiguration("listen port \(listenPort): expected 0 to 65535")
        }
        guard samplingRate >= 0, samplingRate <= 1 else {
            throw .invalidConfiguration("sampling rate \(samplingRate): expected a number from 0 to 1")
        }
        guard !requestIDHeader.isEmpty, requestIDHeader.utf8.allSatisfy(Self.isTokenCharacter) else {
            throw .invalidConfiguration("request id header '\(requestIDHeader)' is not a valid header name")
        }
        guard captureLimitBytes >= 0 else {
            throw .invalidConfiguration("capture limit \(captureLimitBytes): expected 0 or more bytes")
        }
        guard upstreamTimeout > .zero, upstreamReadTimeout > .zero, connectTimeout > .zero,
            upstreamIdleTimeout > .zero
        else {
            throw .invalidConfiguration("timeouts must be longer than zero")
        }
        guard maximumUpstreamConnections >= 1 else {
            throw .invalidConfiguration("maximum upstream connections: expected 1 or more")
        }
        if let upstreamCAFile {
            guard (try? UpstreamTarget(base: upstreamBase()))?.tls == true else {
                throw .invalidConfiguration("an upstream CA file needs an https:// upstream, not \(upstream)")
            }
            guard let certificates = try? NIOSSLCertificate.fromPEMFile(upstreamCAFile), !certificates.isEmpty else {
                throw .invalidConfiguration("upstream CA file \(upstreamCAFile): not a readable PEM certificate file")
            }
        }
        guard extraction.maximumInstances >= 1 else {
            throw .invalidConfiguration("maximum instances: expected 1 or more")
        }
    }

    /// The upstream URL without a trailing slash, checked to be `http` or `https` with a host and no query.
    func upstreamBase() throws(AgentHTTPError) -> String {
        let lower = upstream.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw .invalidConfiguration("upstream '\(upstream)': expected http://host:port or https://host:port")
        }
        let rest = upstream.drop { $0 != ":" }.dropFirst(3)
        guard let first = rest.first, first != "/", first != ":" else {
            throw .invalidConfiguration("upstream '\(upstream)': the host is missing")
        }
        guard !upstream.contains("?"), !upstream.contains("#") else {
            throw .invalidConfiguration("upstream '\(upstream)': a query or fragment is not allowed")
        }
        var base = upstream
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
