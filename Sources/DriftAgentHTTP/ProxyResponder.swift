import AsyncHTTPClient
import DriftAgent
import DriftProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Forwards each request to the upstream model server and streams the answer back, then records what it saw.
///
/// The request body streams to the upstream and the response body to the client as they arrive; when the request
/// is sampled a capped copy of each is kept (``BodyCapture``) and read by the ``PayloadExtractor`` once the
/// response has been forwarded, so extraction never delays the bytes the client waits for.
struct ProxyResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let configuration: ReverseProxyConfiguration
    let upstreamBase: String
    let requestIDField: HTTPField.Name
    let client: HTTPClient
    let sink: any AgentEventSink
    let counters: ProxyCounters
    let extractor: PayloadExtractor
    let sampler: RequestSampler
    let logger: Logger

    /// Headers that belong to one connection (RFC 9110 §7.6.1) and are never forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
        "trailer", "transfer-encoding", "upgrade",
    ]

    /// What the proxy knows about one exchange when it records it.
    struct Exchange: Sendable {
        var requestID: String
        var timestamp: Int64
        var requestCapture: BodyCapture?
        var responseCapture: BodyCapture?
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let timestamp = Self.wallClockNanoseconds()
        counters.update { $0.requestsProxied += 1 }
        let requestID = request.headers[requestIDField] ?? UUID().uuidString.lowercased()
        let recorded = isRecorded(request, requestID: requestID)
        let requestCapture = recorded ? BodyCapture(limit: configuration.captureLimitBytes) : nil
        var exchange = Exchange(requestID: requestID, timestamp: timestamp, requestCapture: requestCapture)

        var outbound = makeUpstreamRequest(request, requestID: requestID, capture: requestCapture)
        // A request body of known length within the capture limit (every usual inference request) is read whole
        // and sent as one buffer. Streaming it instead races with an upstream that answers before reading it all:
        // the server then drains the rest of the body while the client is still iterating it, and two readers of
        // one body stream are a fatal error in NIO.
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > 0,
            length <= configuration.captureLimitBytes
        {
            let buffer = try await request.body.collect(upTo: length)
            requestCapture?.append(buffer)
            outbound.body = .bytes(buffer)
        }
        let upstreamResponse: HTTPClientResponse
        do {
            upstreamResponse = try await client.execute(
                outbound,
                deadline: .now() + TimeAmount(configuration.upstreamTimeout),
                logger: logger
            )
        } catch {
            if error is CancellationError { throw error }
            let timedOut = Self.isTimeout(error)
            counters.update {
                if timedOut { $0.upstreamTimeouts += 1 } else { $0.upstreamConnectionFailures += 1 }
            }
            let status: HTTPResponse.Status = timedOut ? .gatewayTimeout : .badGateway
            logger.debug(
                "The upstream did not answer.",
                metadata: ["error": "\(error)", "request.id": "\(requestID)", "status": "\(status.code)"]
            )
            if recorded {
                record(exchange, latency: start.duration(to: .now), outcome: .error(code: UInt16(status.code)))
            }
            return errorResponse(status: status, timedOut: timedOut, requestID: requestID)
        }

        let status = Int(upstreamResponse.status.code)
        if status >= 500 { counters.update { $0.upstreamServerErrors += 1 } }
        var headers = HTTPFields()
        headers.reserveCapacity(upstreamResponse.headers.count + 1)
        let connectionTokens = Self.connectionTokens(
            upstreamResponse.headers[canonicalForm: "connection"].map(String.init)
        )
        for (name, value) in upstreamResponse.headers {
            let lower = name.lowercased()
            guard !Self.hopByHop.contains(lower), !connectionTokens.contains(lower),
                let fieldName = HTTPField.Name(name)
            else { continue }
            headers.append(HTTPField(name: fieldName, value: value))
        }
        if headers[requestIDField] == nil { headers[requestIDField] = requestID }

        let responseCapture = recorded ? BodyCapture(limit: configuration.captureLimitBytes) : nil
        exchange.responseCapture = responseCapture
        let finalExchange = exchange
        let upstreamBody = upstreamResponse.body
        let body = ResponseBody { writer in
            var iterator = upstreamBody.makeAsyncIterator()
            var upstreamFailure: (any Error)?
            var clientFailure: (any Error)?
            while true {
                let buffer: ByteBuffer?
                do {
                    buffer = try await iterator.next()
                } catch {
                    upstreamFailure = error
                    break
                }
                guard let buffer else { break }
                responseCapture?.append(buffer)
                do {
                    try await writer.write(buffer)
                } catch {
                    clientFailure = error
                    break
                }
            }
            if upstreamFailure == nil && clientFailure == nil {
                do { try await writer.finish(nil) } catch { clientFailure = error }
            }
            let latency = start.duration(to: .now)
            var outcome: Outcome = status >= 500 ? .error(code: UInt16(clamping: status)) : .ok
            if let upstreamFailure {
                let timedOut = Self.isTimeout(upstreamFailure)
                counters.update {
                    if timedOut { $0.upstreamTimeouts += 1 } else { $0.upstreamConnectionFailures += 1 }
                }
                outcome = .error(code: timedOut ? 504 : 502)
                logger.debug(
                    "The upstream response ended early.",
                    metadata: ["error": "\(upstreamFailure)", "request.id": "\(finalExchange.requestID)"]
                )
            }
            if recorded {
                record(
                    finalExchange,
                    latency: latency,
                    outcome: outcome,
                    readPredictions: upstreamFailure == nil && (200..<300).contains(status)
                )
            }
            if let failure = upstreamFailure ?? clientFailure { throw failure }
        }
        return Response(
            status: HTTPResponse.Status(code: status, reasonPhrase: upstreamResponse.status.reasonPhrase),
            headers: headers,
            body: body
        )
    }

    /// Whether this request is recorded: its method is recorded and its id is sampled.
    func isRecorded(_ request: Request, requestID: String) -> Bool {
        guard configuration.recordedMethods.contains(request.method.rawValue) else {
            counters.update { $0.notRecordedMethod += 1 }
            return false
        }
        let sampled = sampler.isSampled(requestID)
        if !sampled { counters.update { $0.sampledOut += 1 } }
        return sampled
    }

    /// The upstream request: same method, path, query, end-to-end headers and body, plus the request id.
    func makeUpstreamRequest(_ request: Request, requestID: String, capture: BodyCapture?) -> HTTPClientRequest {
        var outbound = HTTPClientRequest(url: upstreamBase + (request.head.path ?? "/"))
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count + 2)
        if configuration.preserveHostHeader, let authority = request.head.authority {
            headers.add(name: "Host", value: authority)
        }
        let connectionTokens = Self.connectionTokens(request.headers[values: .connection])
        for field in request.headers {
            let lower = field.name.canonicalName
            guard !Self.hopByHop.contains(lower), !connectionTokens.contains(lower) else { continue }
            headers.add(name: field.name.rawName, value: field.value)
        }
        if request.headers[requestIDField] == nil { headers.add(name: requestIDField.rawName, value: requestID) }
        outbound.headers = headers

        let contentLength = request.headers[.contentLength].flatMap { Int64($0) }
        let chunked = request.headers[values: .transferEncoding].contains { $0.lowercased().contains("chunked") }
        if contentLength == nil && !chunked || contentLength == 0 {
            outbound.body = nil
        } else {
            let length: HTTPClientRequest.Body.Length = contentLength.map { .known($0) } ?? .unknown
            if let capture {
                outbound.body = .stream(CapturingBody(base: request.body, capture: capture), length: length)
            } else {
                outbound.body = .stream(request.body, length: length)
            }
        }
        return outbound
    }

    /// Records one event per extracted instance (or one without features), and counts what went wrong.
    func record(_ exchange: Exchange, latency: Duration, outcome: Outcome, readPredictions: Bool = false) {
        var failure: ExtractionFailure?
        var records: [ExtractedRecord] = []
        if let request = exchange.requestCapture?.contents {
            if request.overflowed {
                failure = .requestTooLarge
            } else {
                let response = readPredictions ? exchange.responseCapture?.contents : nil
                let extraction = extractor.extract(
                    request: request.bytes,
                    response: response?.overflowed == false ? response?.bytes : nil
                )
                records = extraction.records
                failure = extraction.failure ?? (response?.overflowed == true ? .responseTooLarge : nil)
            }
        }
        if records.isEmpty { records = [ExtractedRecord()] }
        let latencyMicroseconds =
            Double(latency.components.seconds) * 1e6
            + Double(latency.components.attoseconds) / 1e12
        var accepted = 0
        for (index, extracted) in records.enumerated() {
            let event = AgentEvent(
                model: configuration.model,
                modelVersion: configuration.modelVersion,
                timestamp: exchange.timestamp,
                requestID: records.count == 1 ? exchange.requestID : "\(exchange.requestID)#\(index)",
                latencyMicroseconds: latencyMicroseconds,
                outcome: outcome,
                prediction: extracted.prediction,
                numericFeatures: extracted.numericFeatures,
                categoricalFeatures: extracted.categoricalFeatures
            )
            if sink.record(event) { accepted += 1 }
        }
        let total = records.count
        counters.update {
            $0.eventsRecorded += accepted
            $0.eventsDropped += total - accepted
            if let failure { $0.extractionFailures[failure, default: 0] += 1 }
        }
        if let failure {
            logger.debug(
                "The request's payload could not be fully extracted.",
                metadata: ["reason": "\(failure.rawValue)", "request.id": "\(exchange.requestID)"]
            )
        }
    }

    /// The plain-text answer when the upstream could not be reached or did not answer in time.
    func errorResponse(status: HTTPResponse.Status, timedOut: Bool, requestID: String) -> Response {
        let text =
            timedOut
            ? "driftwatch agent: the upstream \(upstreamBase) did not answer within \(Self.seconds(configuration.upstreamTimeout)) s\n"
            : "driftwatch agent: the upstream \(upstreamBase) could not be reached\n"
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[requestIDField] = requestID
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A duration in seconds for messages: `30`, `0.5`.
    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? String(Int64(value)) : String(value)
    }

    /// Whether an upstream error is a timeout (504) rather than a connection failure (502).
    static func isTimeout(_ error: any Error) -> Bool {
        guard let clientError = error as? HTTPClientError else { return false }
        return clientError == .deadlineExceeded || clientError == .readTimeout || clientError == .writeTimeout
    }

    /// The lower-cased header names listed in `Connection` values.
    static func connectionTokens(_ values: [String]) -> Set<String> {
        var tokens = Set<String>()
        for value in values {
            for token in value.split(separator: ",") {
                tokens.insert(token.trimmingCharacters(in: .whitespaces).lowercased())
            }
        }
        return tokens
    }

    /// Nanoseconds since the Unix epoch, from the system's real-time clock.
    static func wallClockNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
