import DriftAgent
import DriftAgentHTTP
import DriftProtocol
import Foundation
import Testing

/// The reverse proxy in front of a real Python model server (numpy behind http.server, HTTP/1.1 keep-alive).
@Suite("Reverse proxy with a Python model server", .serialized)
struct ProxyTests {
    @Test("V1: the answer is forwarded unchanged, the request id echoed, one event per instance")
    func kserveV1() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.extraction.featureNames = ["a", "b", "c"] }
        try await ProxyHarness.with(configure: configure) { harness in
            let request = #"{"instances": [[1, 2, 3], [4, 5, 6]]}"#
            let proxied = try await harness.post(
                "/v1/models/iris:predict",
                json: request,
                headers: [("X-Request-ID", "req-1")]
            )
            let direct = try await harness.send(
                "POST",
                "/v1/models/iris:predict",
                body: Array(request.utf8),
                direct: true
            )
            #expect(proxied.status == 200)
            #expect(proxied.text == #"{"predictions": [5.0, 17.0]}"#)
            #expect(proxied.body == direct.body)
            #expect(proxied.header("X-Request-ID") == "req-1")
            #expect(proxied.header("Content-Type") == "application/json")

            let events = try await harness.sink.waitForEvents(2)
            #expect(events.count == 2)
            #expect(events.map(\.requestID) == ["req-1#0", "req-1#1"])
            #expect(events.map(\.numericFeatures) == [["a": 1, "b": 2, "c": 3], ["a": 4, "b": 5, "c": 6]])
            #expect(events.map(\.prediction) == [.number(5), .number(17)])
            #expect(events.allSatisfy { $0.model == "iris" && $0.modelVersion == "3" && $0.outcome == .ok })
            #expect(events.allSatisfy { ($0.latencyMicroseconds ?? 0) > 0 })
            #expect(events[0].latencyMicroseconds == events[1].latencyMicroseconds)
            let now = Int64(Date().timeIntervalSince1970 * 1e9)
            #expect(events.allSatisfy { abs($0.timestamp - now) < 120_000_000_000 })
            let counters = harness.proxy.counters
            #expect(counters.requestsProxied == 1)
            #expect(counters.eventsRecorded == 2)
            #expect(counters.extractionFailures.isEmpty)
        }
    }

    @Test("V1 object instances give categorical predictions; V2 probabilities get the configured class names")
    func objectsAndV2() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.extraction.classNames = ["neg", "pos"] }
        try await ProxyHarness.with(configure: configure) { harness in
            let v1 = try await harness.post(
                "/v1/models/iris:predict",
                json: #"{"instances": [{"a": 5, "b": 6, "city": "Oslo"}]}"#,
                headers: [("X-Request-ID", "obj")]
            )
            #expect(v1.text == #"{"predictions": ["high"]}"#)
            let v2Request =
                #"{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 0.1, 0.2]}]}"#
            let v2 = try await harness.post("/v2/models/iris/infer", json: v2Request)
            #expect(v2.status == 200)
            let generated = try #require(v2.header("X-Request-ID"))
            #expect(UUID(uuidString: generated) != nil)

            let events = try await harness.sink.waitForEvents(3)
            #expect(events.count == 3)
            #expect(events[0].requestID == "obj")
            #expect(events[0].numericFeatures == ["a": 5, "b": 6])
            #expect(events[0].categoricalFeatures == ["city": "Oslo"])
            #expect(events[0].prediction == .classLabel("high"))
            #expect(events[1...].map(\.requestID) == ["\(generated)#0", "\(generated)#1"])
            #expect(events[1].numericFeatures == ["f0": 1, "f1": 2])
            #expect(events[2].numericFeatures == ["f0": 0.1, "f1": 0.2])
            #expect(
                events[1...].map(\.prediction) == [
                    .probabilities([
                        ClassProbability(label: "neg", probability: 0.25),
                        ClassProbability(label: "pos", probability: 0.75),
                    ]),
                    .probabilities([
                        ClassProbability(label: "neg", probability: 0.75),
                        ClassProbability(label: "pos", probability: 0.25),
                    ]),
                ]
            )
        }
    }

    @Test("MLflow: dataframe_split, dataframe_records and inputs with a bare-list answer")
    func mlflow() async throws {
        try await ProxyHarness.with { harness in
            let split = try await harness.post(
                "/invocations",
                json: #"{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2], [3, 4]]}}"#,
                headers: [("X-Request-ID", "s")]
            )
            #expect(split.text == #"{"predictions": [3.0, 7.0]}"#)
            _ = try await harness.sink.waitForEvents(2)
            let records = try await harness.post(
                "/invocations",
                json: #"{"dataframe_records": [{"a": 1.5, "b": 2}]}"#,
                headers: [("X-Request-ID", "r")]
            )
            #expect(records.text == #"{"predictions": [3.5]}"#)
            _ = try await harness.sink.waitForEvents(3)
            let inputs = try await harness.post(
                "/invocations",
                json: #"{"inputs": [[10, 20]]}"#,
                headers: [("X-Request-ID", "i")]
            )
            #expect(inputs.text == "[30.0]")
            let events = try await harness.sink.waitForEvents(4)
            #expect(events.map(\.requestID) == ["s#0", "s#1", "r", "i"])
            #expect(
                events.map(\.numericFeatures) == [
                    ["a": 1, "b": 2], ["a": 3, "b": 4], ["a": 1.5, "b": 2], ["f0": 10, "f1": 20],
                ]
            )
            #expect(events.map(\.prediction) == [.number(3), .number(7), .number(3.5), .number(30)])
            #expect(harness.proxy.counters.extractionFailures.isEmpty)
        }
    }

    @Test("Method, path, query, end-to-end headers and a binary body reach the model unchanged; hop-by-hop do not")
    func forwardsUnchanged() async throws {
        try await ProxyHarness.with { harness in
            let body: [UInt8] = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            let response = try await harness.send(
                "POST",
                "/echo/a%20b/c?x=1&y=two%3D&x=3",
                body: body,
                headers: [
                    ("X-Custom", "value one"), ("X-Multi", "1"), ("X-Multi", "2"), ("Authorization", "Bearer t0k"),
                    ("Content-Type", "application/octet-stream"), ("Connection", "keep-alive, X-Hop"),
                    ("X-Hop", "secret"), ("X-Request-ID", "fwd-1"),
                ]
            )
            #expect(response.status == 200)
            #expect(response.body == body)
            #expect(response.header("X-Echo-Method") == "POST")
            #expect(response.header("X-Echo-Path") == "/echo/a%20b/c?x=1&y=two%3D&x=3")
            #expect(response.header("X-Request-ID") == "fwd-1")
            let received = try #require(
                JSONSerialization.jsonObject(with: Data((response.header("X-Echo-Headers") ?? "").utf8)) as? [[String]]
            )
            let names = received.map { $0[0].lowercased() }
            #expect(received.filter { $0[0].lowercased() == "x-custom" }.map { $0[1] } == ["value one"])
            #expect(received.filter { $0[0].lowercased() == "x-multi" }.map { $0[1] } == ["1", "2"])
            #expect(received.filter { $0[0].lowercased() == "authorization" }.map { $0[1] } == ["Bearer t0k"])
            #expect(
                received.filter { $0[0].lowercased() == "content-type" }.map { $0[1] } == ["application/octet-stream"]
            )
            #expect(received.filter { $0[0].lowercased() == "content-length" }.map { $0[1] } == ["5000"])
            #expect(received.filter { $0[0].lowercased() == "x-request-id" }.map { $0[1] } == ["fwd-1"])
            #expect(
                received.filter { $0[0].lowercased() == "host" }.map { $0[1] } == ["127.0.0.1:\(harness.proxyPort)"]
            )
            #expect(!names.contains("x-hop"))
            #expect(!names.contains("connection"))

            // A PUT is forwarded with its method but not recorded (only POST is, by default).
            let put = try await harness.send("PUT", "/echo", body: Array("{}".utf8))
            #expect(put.header("X-Echo-Method") == "PUT")

            // The binary POST was recorded without features, counted as not JSON.
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.count == 1)
            #expect(events[0].requestID == "fwd-1")
            #expect(events[0].numericFeatures.isEmpty && events[0].categoricalFeatures.isEmpty)
            #expect(events[0].prediction == .absent)
            #expect(events[0].outcome == .ok)
            let counters = harness.proxy.counters
            #expect(counters.extractionFailures == [.requestNotJSON: 1])
            #expect(counters.notRecordedMethod == 1)
            #expect(counters.requestsProxied == 2)
        }
    }

    @Test("Chunked bodies stream both ways; bodies over the capture limit are forwarded whole and not extracted")
    func streamingAndCaptureLimit() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.captureLimitBytes = 64 << 10 }
        try await ProxyHarness.with(configure: configure) { harness in
            let large: [UInt8] = Array(repeating: UInt8(ascii: "x"), count: 300_000)
            let echoed = try await harness.send(
                "POST",
                "/echo",
                body: large,
                headers: [("X-Request-ID", "big")],
                chunked: true
            )
            #expect(echoed.status == 200)
            #expect(echoed.body == large)
            let received = try #require(
                JSONSerialization.jsonObject(with: Data((echoed.header("X-Echo-Headers") ?? "").utf8)) as? [[String]]
            )
            #expect(received.filter { $0[0].lowercased() == "transfer-encoding" }.map { $0[1] } == ["chunked"])

            let streamed = try await harness.send("GET", "/stream?chunks=200")
            let expected = #"{"parts": ["# + (0..<200).map(String.init).joined(separator: ", ") + "]}"
            #expect(streamed.text == expected)

            let small = #"{"instances": [[1, 1]]}"#
            let chunkedJSON = try await harness.send(
                "POST",
                "/v1/models/iris:predict",
                body: Array(small.utf8),
                headers: [("X-Request-ID", "c")],
                chunked: true
            )
            #expect(chunkedJSON.text == #"{"predictions": [5.0]}"#)

            let events = try await harness.sink.waitForEvents(2)
            #expect(events.map(\.requestID) == ["big", "c"])
            #expect(events[0].numericFeatures.isEmpty)
            #expect(events[1].numericFeatures == ["f0": 1, "f1": 1])
            #expect(events[1].prediction == .number(5))
            #expect(harness.proxy.counters.extractionFailures == [.requestTooLarge: 1])
        }
    }

    @Test("A 500 from the model is passed through and recorded as an error with the request's features")
    func serverError() async throws {
        try await ProxyHarness.with { harness in
            let response = try await harness.post(
                "/fail",
                json: #"{"instances": [[2, 3]]}"#,
                headers: [("X-Request-ID", "f")]
            )
            #expect(response.status == 500)
            #expect(response.text == #"{"error": "model failed"}"#)
            #expect(response.header("X-Request-ID") == "f")
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.count == 1)
            #expect(events[0].outcome == .error(code: 500))
            #expect(events[0].numericFeatures == ["f0": 2, "f1": 3])
            #expect(events[0].prediction == .absent)
            let counters = harness.proxy.counters
            #expect(counters.upstreamServerErrors == 1)
            #expect(counters.upstreamErrors == 1)
            #expect(counters.extractionFailures.isEmpty)
        }
    }

    @Test("An upstream that does not answer in time gives 504 with a clear body")
    func upstreamTimeout() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.upstreamTimeout = .milliseconds(500) }
        try await ProxyHarness.with(configure: configure) { harness in
            let response = try await harness.post(
                "/slow?seconds=3",
                json: #"{"instances": [[1]]}"#,
                headers: [("X-Request-ID", "t")]
            )
            #expect(response.status == 504)
            #expect(response.text.hasPrefix("driftwatch agent: the upstream http://127.0.0.1:"))
            #expect(response.text.hasSuffix("did not answer within 0.5 s\n"))
            #expect(response.header("X-Request-ID") == "t")
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.count == 1)
            #expect(events[0].outcome == .error(code: 504))
            #expect(events[0].numericFeatures == ["f0": 1])
            #expect(harness.proxy.counters.upstreamTimeouts == 1)
        }
    }

    @Test("On a kept-alive connection the response timeout counts from each request, not from the first")
    func timeoutPerRequest() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.upstreamTimeout = .seconds(1) }
        try await ProxyHarness.with(configure: configure) { harness in
            let connection = try RawHTTPConnection(port: harness.proxyPort)
            func request(_ path: String, id: String) throws -> RawHTTPConnection.Response {
                let body = #"{"instances": [[1]]}"#
                try connection.send(
                    "POST \(path) HTTP/1.1\r\nHost: proxy\r\nX-Request-ID: \(id)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                )
                return try connection.readResponse()
            }
            #expect(try request("/v1/models/iris:predict", id: "quick").status == 200)
            // The connection's timer was armed for the first request; the second starts well after it, so a timer
            // still counting from the first would cut the second one short.
            try await Task.sleep(for: .milliseconds(600))
            let start = ContinuousClock.now
            let slow = try request("/slow?seconds=3", id: "slow")
            let waited = ContinuousClock.now - start
            #expect(slow.status == 504)
            #expect(waited >= .milliseconds(950), "the 504 came \(waited) after the request, before its timeout")
            let events = try await harness.sink.waitForEvents(2)
            #expect(events.map(\.outcome) == [.ok, .error(code: 504)])
        }
    }

    @Test("A response body that stalls past the read timeout is cut off and recorded as a 504")
    func stalledBody() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.upstreamReadTimeout = .milliseconds(500) }
        try await ProxyHarness.with(configure: configure) { harness in
            await #expect(throws: (any Error).self) {
                try await harness.post(
                    "/stall?seconds=3",
                    json: #"{"instances": [[1]]}"#,
                    headers: [("X-Request-ID", "s")]
                )
            }
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.count == 1)
            #expect(events[0].requestID == "s")
            #expect(events[0].outcome == .error(code: 504))
            #expect(events[0].numericFeatures == ["f0": 1])
            #expect(events[0].prediction == .absent)
            #expect(harness.proxy.counters.upstreamTimeouts == 1)
        }
    }

    @Test("With preserveHostHeader off the model sees its own host and port")
    func upstreamHost() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.preserveHostHeader = false }
        try await ProxyHarness.with(configure: configure) { harness in
            let response = try await harness.send("POST", "/echo", body: Array("{}".utf8))
            let received = try #require(
                JSONSerialization.jsonObject(with: Data((response.header("X-Echo-Headers") ?? "").utf8)) as? [[String]]
            )
            #expect(
                received.filter { $0[0].lowercased() == "host" }.map { $0[1] } == ["127.0.0.1:\(harness.modelPort)"]
            )
        }
    }

    @Test("A refused connection gives 502 with a clear body and an error event")
    func refusedConnection() async throws {
        // Port 1 on loopback has no listener: the connection is refused.
        try await ProxyHarness.with(upstream: "http://127.0.0.1:1") { harness in
            let response = try await harness.post("/v1/models/iris:predict", json: #"{"instances": [[1]]}"#)
            #expect(response.status == 502)
            #expect(response.text == "driftwatch agent: the upstream http://127.0.0.1:1 could not be reached\n")
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.count == 1)
            #expect(events[0].outcome == .error(code: 502))
            #expect(events[0].requestID == response.header("X-Request-ID"))
            #expect(harness.proxy.counters.upstreamConnectionFailures == 1)
        }
    }

    @Test("Upstream connections are kept alive: sequential requests share one connection")
    func keepAlive() async throws {
        try await ProxyHarness.with { harness in
            for index in 0..<10 {
                let response = try await harness.post("/v1/models/iris:predict", json: "{\"instances\": [[\(index)]]}")
                #expect(response.text == "{\"predictions\": [\(Double(index * 2))]}")
            }
            let stats = try await harness.send("GET", "/stats")
            #expect(stats.text == #"{"connections": 1, "requests": 11}"#)
        }
    }

    @Test("Sampling rate 0 forwards every request and records none")
    func samplingRateZero() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.samplingRate = 0 }
        try await ProxyHarness.with(configure: configure) { harness in
            for _ in 0..<5 {
                let response = try await harness.post("/v1/models/iris:predict", json: #"{"instances": [[1]]}"#)
                #expect(response.text == #"{"predictions": [2.0]}"#)
            }
            let counters = harness.proxy.counters
            #expect(counters.sampledOut == 5)
            #expect(counters.requestsProxied == 5)
            #expect(counters.eventsRecorded == 0)
            #expect(harness.sink.recorded.isEmpty)
        }
    }

    @Test("Sampling rate 0.5 records exactly the requests whose ids the sampler picks")
    func samplingByRequestID() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.samplingRate = 0.5 }
        try await ProxyHarness.with(configure: configure) { harness in
            let ids = (0..<20).map { "sample-\($0)" }
            for id in ids {
                let response = try await harness.post(
                    "/v1/models/iris:predict",
                    json: #"{"instances": [[1]]}"#,
                    headers: [("X-Request-ID", id)]
                )
                #expect(response.text == #"{"predictions": [2.0]}"#)
            }
            let expected = ids.filter(RequestSampler(rate: 0.5).isSampled)
            #expect(!expected.isEmpty && expected.count < ids.count)
            let events = try await harness.sink.waitForEvents(expected.count)
            #expect(events.map(\.requestID) == expected)
            #expect(harness.proxy.counters.sampledOut == ids.count - expected.count)
        }
    }

    @Test("Generated request ids are distinct lower-case version 4 UUIDs, echoed and put on the events")
    func generatedRequestIDs() async throws {
        try await ProxyHarness.with { harness in
            var ids: [String] = []
            for _ in 0..<20 {
                let response = try await harness.post("/v1/models/iris:predict", json: #"{"instances": [[1]]}"#)
                ids.append(try #require(response.header("X-Request-ID")))
            }
            #expect(Set(ids).count == 20)
            for id in ids {
                let characters = Array(id)
                #expect(UUID(uuidString: id) != nil)
                #expect(id == id.lowercased())
                #expect(characters.count == 36 && characters[14] == "4")
                #expect(characters.count == 36 && "89ab".contains(characters[19]))
            }
            let events = try await harness.sink.waitForEvents(20)
            #expect(events.map(\.requestID) == ids)
        }
    }

    @Test("Pipelined requests on one connection are answered in order, each with its own request id and event")
    func pipelined() async throws {
        try await ProxyHarness.with { harness in
            let connection = try RawHTTPConnection(port: harness.proxyPort)
            var requests = ""
            for index in 1...3 {
                let body = "{\"instances\": [[\(index)]]}"
                requests +=
                    "POST /v1/models/iris:predict HTTP/1.1\r\nHost: proxy\r\nX-Request-ID: p\(index)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            }
            try connection.send(requests)
            for index in 1...3 {
                let response = try connection.readResponse()
                #expect(response.status == 200)
                #expect(response.header("X-Request-ID") == "p\(index)")
                #expect(response.text == "{\"predictions\": [\(Double(index * 2))]}")
            }
            let events = try await harness.sink.waitForEvents(3)
            #expect(events.map(\.requestID) == ["p1", "p2", "p3"])
            #expect(events.map(\.prediction) == [.number(2), .number(4), .number(6)])
        }
    }

    @Test("Expect: 100-continue: the model's 100 Continue reaches the client, which then sends the body")
    func expectContinue() async throws {
        try await ProxyHarness.with { harness in
            let connection = try RawHTTPConnection(port: harness.proxyPort)
            let body = #"{"instances": [[5]]}"#
            try connection.send(
                "POST /v1/models/iris:predict HTTP/1.1\r\nHost: proxy\r\nExpect: 100-continue\r\n"
                    + "X-Request-ID: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            )
            let informational = try connection.readResponse()
            #expect(informational.status == 100)
            try connection.send(body)
            let answer = try connection.readResponse()
            #expect(answer.status == 200)
            #expect(answer.text == #"{"predictions": [10.0]}"#)
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.map(\.requestID) == ["x"])
            #expect(events.first?.prediction == .number(10))
        }
    }

    @Test("HTTP/1.0 and Connection: close clients get their answer, then the connection closes")
    func closingClients() async throws {
        try await ProxyHarness.with { harness in
            let old = try RawHTTPConnection(port: harness.proxyPort)
            let body = #"{"instances": [[4]]}"#
            try old.send(
                "POST /v1/models/iris:predict HTTP/1.0\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            )
            let answer = try old.readResponse()
            #expect(answer.statusLine.hasPrefix("HTTP/1.0 200"))
            #expect(answer.text == #"{"predictions": [8.0]}"#)
            #expect(try await old.waitUntilClosed())

            // A chunked upstream answer reaches an HTTP/1.0 client delimited by the connection's close.
            let streamed = try RawHTTPConnection(port: harness.proxyPort)
            try streamed.send("GET /stream?chunks=5 HTTP/1.0\r\n\r\n")
            let parts = try streamed.readResponse()
            #expect(parts.statusLine.hasPrefix("HTTP/1.0 200"))
            #expect(parts.header("Transfer-Encoding") == nil)
            #expect(parts.text == #"{"parts": [0, 1, 2, 3, 4]}"#)

            let closing = try RawHTTPConnection(port: harness.proxyPort)
            try closing.send("GET /stats HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n")
            let stats = try closing.readResponse()
            #expect(stats.status == 200)
            #expect(stats.header("Connection")?.lowercased() == "close")
            #expect(try await closing.waitUntilClosed())
        }
    }

    @Test("An upstream that answers before reading the body: the rest is discarded and its connection not reused")
    func earlyUpstreamAnswer() async throws {
        let upstream = try ScriptedUpstream()
        defer { upstream.stop() }
        try await ProxyHarness.with(upstream: "http://127.0.0.1:\(upstream.port)") { harness in
            let connection = try RawHTTPConnection(port: harness.proxyPort)
            let length = 200_000
            try connection.send(
                "POST /early HTTP/1.1\r\nHost: proxy\r\nX-Request-ID: e\r\nContent-Length: \(length)\r\n\r\n"
            )
            try connection.send([UInt8](repeating: 120, count: 1_000))
            let early = try connection.readResponse()
            #expect(early.status == 200)
            #expect(early.text == "early")
            #expect(early.header("X-Request-ID") == "e")
            try connection.send([UInt8](repeating: 120, count: length - 1_000))
            try connection.send("GET /next HTTP/1.1\r\nHost: proxy\r\n\r\n")
            let next = try connection.readResponse()
            #expect(next.status == 200)
            #expect(next.text == "ok 2")
            #expect(upstream.connections == 2)
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.map(\.requestID) == ["e"])
            #expect(events.first?.outcome == .ok)
        }
    }

    @Test("An upstream connection idle longer than the idle timeout is not reused: the next request opens a new one")
    func idleUpstreamRetired() async throws {
        let upstream = try ScriptedUpstream()
        defer { upstream.stop() }
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.upstreamIdleTimeout = .milliseconds(300) }
        try await ProxyHarness.with(upstream: "http://127.0.0.1:\(upstream.port)", configure: configure) { harness in
            let connection = try RawHTTPConnection(port: harness.proxyPort)
            func get() throws -> String {
                try connection.send("GET /model HTTP/1.1\r\nHost: proxy\r\n\r\n")
                return try connection.readResponse().text
            }
            // Back to back: one upstream connection carries both.
            #expect(try get() == "ok 1")
            #expect(try get() == "ok 1")
            // Idle past the timeout (the scripted upstream itself never closes it): retired, a new one opened.
            try await Task.sleep(for: .milliseconds(600))
            #expect(try get() == "ok 2")
            #expect(try get() == "ok 2")
            #expect(upstream.connections == 2)
            #expect(harness.proxy.counters.upstreamIdleCloses == 1)
        }
    }

    @Test("A HEAD answer without Content-Length reaches the client without a body, and the connection goes on")
    func headWithoutLength() async throws {
        let upstream = try ScriptedUpstream()
        defer { upstream.stop() }
        try await ProxyHarness.with(upstream: "http://127.0.0.1:\(upstream.port)") { harness in
            let connection = try RawHTTPConnection(port: harness.proxyPort)
            try connection.send("HEAD /head HTTP/1.1\r\nHost: proxy\r\n\r\n")
            let head = try connection.readResponse(head: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Type") == "text/plain")
            // A stray chunk terminator after the HEAD answer would be read as the start of the next response.
            try connection.send("GET /next HTTP/1.1\r\nHost: proxy\r\n\r\n")
            let next = try connection.readResponse()
            #expect(next.statusLine.hasPrefix("HTTP/1.1 200"))
            // The relay may open a new upstream connection after an answer without framing (it does today); the
            // client's connection must carry the next answer intact either way.
            #expect(["ok 1", "ok 2"].contains(next.text))
            #expect(harness.proxy.counters.requestsProxied == 2)
        }
    }

    @Test("An upstream that closes its kept-alive connection between requests is reconnected")
    func upstreamClosesBetweenRequests() async throws {
        let upstream = try ScriptedUpstream()
        defer { upstream.stop() }
        try await ProxyHarness.with(upstream: "http://127.0.0.1:\(upstream.port)") { harness in
            let connection = try RawHTTPConnection(port: harness.proxyPort)
            for _ in 0..<3 {
                try connection.send("GET /close-after HTTP/1.1\r\nHost: proxy\r\n\r\n")
                let response = try connection.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "closing")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(upstream.connections == 3)
            #expect(harness.proxy.counters.upstreamConnectionFailures == 0)
            #expect(harness.proxy.counters.requestsProxied == 3)
        }
    }

    @Test("A client that disconnects mid-body closes its upstream connection and frees its slot")
    func clientDisconnectMidBody() async throws {
        let upstream = try ScriptedUpstream()
        defer { upstream.stop() }
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.maximumUpstreamConnections = 1 }
        try await ProxyHarness.with(upstream: "http://127.0.0.1:\(upstream.port)", configure: configure) { harness in
            let leaving = try RawHTTPConnection(port: harness.proxyPort)
            try leaving.send("POST /slow-body HTTP/1.1\r\nHost: proxy\r\nContent-Length: 100000\r\n\r\n")
            try leaving.send([UInt8](repeating: 120, count: 1_000))
            let deadline = ContinuousClock.now + .seconds(10)
            while upstream.heads < 1 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(upstream.heads == 1)
            leaving.close()
            let closeDeadline = ContinuousClock.now + .seconds(10)
            while upstream.closedMidBody < 1 && ContinuousClock.now < closeDeadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(upstream.closedMidBody == 1)
            // The single upstream slot is free again: a new client is served, not refused with 503.
            var status = 0
            let retryDeadline = ContinuousClock.now + .seconds(10)
            while status != 200 && ContinuousClock.now < retryDeadline {
                let next = try RawHTTPConnection(port: harness.proxyPort)
                try next.send("GET /after HTTP/1.1\r\nHost: proxy\r\n\r\n")
                status = try next.readResponse().status
                if status != 200 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(status == 200)
            #expect(harness.sink.recorded.isEmpty)
            #expect(harness.proxy.counters.clientAborts == 1)
        }
    }

    @Test("A client that leaves while the model computes: the answer is awaited and recorded with its latency")
    func clientLeavesBeforeAnswer() async throws {
        try await ProxyHarness.with { harness in
            let leaving = try RawHTTPConnection(port: harness.proxyPort)
            let start = ContinuousClock.now
            try leaving.sendJSONPost("/slow?seconds=1", requestID: "gone", body: #"{"instances": [[4]]}"#)
            try await Task.sleep(for: .milliseconds(200))
            leaving.close()
            let events = try await harness.sink.waitForEvents(1)
            let waited = ContinuousClock.now - start
            #expect(events.count == 1)
            #expect(events.first?.requestID == "gone")
            #expect(events.first?.outcome == .ok)
            #expect(events.first?.numericFeatures == ["f0": 4])
            #expect(events.first?.prediction == .number(1))
            // The model's own latency (it sleeps 1 s), not the 200 ms after which the client left.
            #expect((events.first?.latencyMicroseconds ?? 0) >= 950_000)
            #expect(waited >= .milliseconds(950))
            let counters = harness.proxy.counters
            #expect(counters.clientAborts == 1)
            #expect(counters.eventsRecorded == 1)
            #expect(counters.upstreamErrors == 0)
        }
    }

    @Test("A client that leaves and a model that never answers: recorded as a 504 at the timeout, slot freed")
    func clientLeavesModelSilent() async throws {
        let configure: (inout ReverseProxyConfiguration) -> Void = {
            $0.upstreamTimeout = .milliseconds(500)
            $0.maximumUpstreamConnections = 1
        }
        try await ProxyHarness.with(configure: configure) { harness in
            let leaving = try RawHTTPConnection(port: harness.proxyPort)
            try leaving.sendJSONPost("/slow?seconds=3", requestID: "silent", body: #"{"instances": [[2]]}"#)
            try await Task.sleep(for: .milliseconds(100))
            leaving.close()
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.map(\.requestID) == ["silent"])
            #expect(events.first?.outcome == .error(code: 504))
            #expect(events.first?.numericFeatures == ["f0": 2])
            #expect(harness.proxy.counters.clientAborts == 1)
            #expect(harness.proxy.counters.upstreamTimeouts == 1)
            // The upstream connection was closed with the exchange: the single slot serves the next client.
            let next = try await harness.post("/v1/models/iris:predict", json: #"{"instances": [[1, 2, 3]]}"#)
            #expect(next.status == 200)
        }
    }

    @Test("maximumUpstreamConnections caps open upstream connections: one more client gets 503 until one closes")
    func connectionCap() async throws {
        let upstream = try ScriptedUpstream()
        defer { upstream.stop() }
        let configure: (inout ReverseProxyConfiguration) -> Void = { $0.maximumUpstreamConnections = 1 }
        try await ProxyHarness.with(upstream: "http://127.0.0.1:\(upstream.port)", configure: configure) { harness in
            let first = try RawHTTPConnection(port: harness.proxyPort)
            try first.send("GET /a HTTP/1.1\r\nHost: proxy\r\n\r\n")
            #expect(try first.readResponse().text == "ok 1")
            let second = try RawHTTPConnection(port: harness.proxyPort)
            let body = #"{"instances": [[1]]}"#
            try second.send(
                "POST /b HTTP/1.1\r\nHost: proxy\r\nX-Request-ID: capped\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            )
            let refused = try second.readResponse()
            #expect(refused.status == 503)
            #expect(
                refused.text
                    == "driftwatch agent: all 1 connections to the upstream http://127.0.0.1:\(upstream.port) are in use\n"
            )
            #expect(refused.header("X-Request-ID") == "capped")
            // The first connection keeps its upstream connection for its next request.
            try first.send("GET /a HTTP/1.1\r\nHost: proxy\r\n\r\n")
            #expect(try first.readResponse().text == "ok 1")
            first.close()
            let deadline = ContinuousClock.now + .seconds(10)
            var text = ""
            while !text.hasPrefix("ok") && ContinuousClock.now < deadline {
                try second.send("GET /b HTTP/1.1\r\nHost: proxy\r\n\r\n")
                text = try second.readResponse().text
                if !text.hasPrefix("ok") { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(text == "ok 2")
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.map(\.requestID) == ["capped"])
            #expect(events.first?.outcome == .error(code: 503))
            #expect(events.first?.numericFeatures == ["f0": 1])
            #expect(upstream.connections == 2)
        }
    }

    @Test("Graceful shutdown: an idle connection closes at once, an in-flight exchange finishes, then closes")
    func gracefulShutdown() async throws {
        try await ProxyHarness.with { harness in
            let idle = try RawHTTPConnection(port: harness.proxyPort)
            try idle.send("GET /stats HTTP/1.1\r\nHost: proxy\r\n\r\n")
            #expect(try idle.readResponse().status == 200)
            let busy = try RawHTTPConnection(port: harness.proxyPort)
            let body = #"{"instances": [[1]]}"#
            try busy.send(
                "POST /slow?seconds=2 HTTP/1.1\r\nHost: proxy\r\nX-Request-ID: last\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            )
            try await Task.sleep(for: .milliseconds(300))
            await harness.shutdown()
            // Waited for asynchronously: the shutdown itself runs on the Swift concurrency pool.
            #expect(try await idle.waitUntilClosed())
            let answer = try busy.readResponse()
            #expect(answer.status == 200)
            #expect(answer.text == #"{"predictions": [1.0]}"#)
            #expect(answer.header("Connection")?.lowercased() == "close")
            #expect(try await busy.waitUntilClosed())
            let events = try await harness.sink.waitForEvents(1)
            #expect(events.map(\.requestID) == ["last"])
            #expect(events.first?.outcome == .ok)
        }
    }

    @Test("Invalid configurations are rejected with a stable code")
    func invalidConfiguration() {
        let sink = RecordingSink()
        for configure: (inout ReverseProxyConfiguration) -> Void in [
            { $0.upstream = "127.0.0.1:9000" }, { $0.upstream = "http://" }, { $0.upstream = "http://h:1/p?q=1" },
            { $0.samplingRate = 1.5 }, { $0.requestIDHeader = "X Request" }, { $0.model = "" },
            { $0.listenPort = 70_000 },
        ] {
            var configuration = ReverseProxyConfiguration(upstream: "http://127.0.0.1:9000", model: "m")
            configure(&configuration)
            do {
                _ = try ReverseProxy(configuration: configuration, sink: sink)
                Issue.record("accepted \(configuration.upstream)")
            } catch {
                #expect(error.code == "invalid-configuration")
            }
        }
    }
}
