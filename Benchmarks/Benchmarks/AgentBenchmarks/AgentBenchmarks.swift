// The agent's hot paths, the cost a model pays per event: recording through the in-process library
// (`MonitoringAgent.record`), and decoding plus recording one JSON line as the UDP, Unix-socket and ZeroMQ listeners
// do for each line they receive. The delivery worker runs meanwhile (batching, an in-memory spool), as in
// production; no collector answers, so once its spool bound is reached it drops whole batches, which leaves the
// recording path unchanged. One scaled iteration = 1,000 events (docs/performance.md, "Agent").
import Benchmark
import DriftAgent
import DriftProtocol
import Foundation

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 2_000
    )

    func makeAgent() -> MonitoringAgent {
        var configuration = AgentConfiguration(collectorEndpoint: "tcp://127.0.0.1:9")
        configuration.spoolMaxBytes = 64 * 1024 * 1024
        configuration.queueCapacity = 1_000_000
        configuration.drainTimeout = .zero
        do {
            return try MonitoringAgent(configuration: configuration)
        } catch {
            fatalError("cannot start the agent: \(error)")
        }
    }

    let event = AgentEvent(
        model: "fraud",
        modelVersion: "7",
        timestamp: 1_700_000_000_000_000_000,
        requestID: "req-0001234567",
        latencyMicroseconds: 840,
        prediction: .number(0.93),
        numericFeatures: ["amount": 120.5, "age": 42, "balance": 1_830.25, "tenure": 17],
        categoricalFeatures: ["country": "DE", "device": "ios"]
    )
    let line = Array(
        #"{"request_id":"req-0001234567","latency_ms":0.84,"prediction":0.93,"features":{"amount":120.5,"age":42,"balance":1830.25,"tenure":17,"country":"DE","device":"ios"}}"#
            .utf8
    )

    // One agent for the whole run (its delivery thread keeps running between samples, as in production).
    let agent = makeAgent()
    let ingest = LineIngest(decoder: JSONLineDecoder(defaultModel: "fraud", defaultVersion: "7"), sink: agent)

    Benchmark("Agent: record one event (in-process library)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(agent.record(event))
        }
    }

    Benchmark("Agent: decode and record one JSON line (UDP/Unix/ZeroMQ ingest)") { benchmark in
        line.withUnsafeBytes { bytes in
            for _ in benchmark.scaledIterations {
                ingest.ingest(bytes, now: 1_700_000_000_000_000_000)
            }
        }
    }

    // The baseline in the same run: the same line through the JSONValue tree decoder, which the ingest used for
    // every line before the byte scanner and still uses for labels and refused lines.
    let treeDecoder = JSONLineDecoder(defaultModel: "fraud", defaultVersion: "7")
    Benchmark("Agent: decode and record one JSON line via the JSONValue tree (baseline)") { benchmark in
        for _ in benchmark.scaledIterations {
            do {
                let bytes = Array(line)
                if case .event(let decoded) = try treeDecoder.decode(
                    JSONValue.parse(bytes),
                    text: bytes,
                    now: 1_700_000_000_000_000_000
                ) {
                    blackHole(agent.record(decoded))
                }
            } catch {
                fatalError("the benchmark line does not decode: \(error)")
            }
        }
    }
}
