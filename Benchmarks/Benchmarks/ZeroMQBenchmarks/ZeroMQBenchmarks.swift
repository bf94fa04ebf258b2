import Benchmark
import DriftProtocol
import Foundation
import ZeroMQ
import ZeroMQBaseline

// PUSH -> PULL throughput of the Swift wrapper against the same probe written in C on raw libzmq, in one run.
// Each iteration moves a fixed number of messages from a sender thread to the benchmark thread. Compare the
// wall-clock rows of the C and Swift variants of the same transport and size (docs/performance.md).

/// Pushes `count` copies of `payload` to `endpoint` from a dedicated thread that owns its socket.
func startSender(context: ZeroMQContext, endpoint: String, count: Int, payload: [UInt8]) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        do {
            let push = try ZeroMQSocket(context, type: .push, linger: nil)
            try push.connect(endpoint)
            for _ in 0..<count { try push.send(payload) }
            push.close()
        } catch {
            fatalError("sender failed: \(error)")
        }
        done.signal()
    }
    thread.start()
    return done
}

/// Receives `count` messages with the allocation-free receive path; optionally decodes each as an event batch.
func swiftPushPull(transport: String, count: Int, payload: [UInt8], decode: Bool) throws {
    let context = try ZeroMQContext()
    let pull = try ZeroMQSocket(context, type: .pull)
    let endpoint = try pull.bind(transport)
    let done = startSender(context: context, endpoint: endpoint, count: count, payload: payload)
    var total = 0
    for _ in 0..<count {
        total += try pull.receiveFrame { buffer, _ in
            decode ? try EventBatch(decoding: buffer).count : buffer.count
        }
    }
    precondition(total > 0)
    done.wait()
}

func ipcEndpoint() -> String {
    "ipc://\(FileManager.default.temporaryDirectory.path)/driftwatch-bench-\(getpid()).sock"
}

/// An encoded batch of `events` events with 8 numeric and 2 categorical features, a prediction and a latency.
func encodedBatch(events: Int) -> [UInt8] {
    let numeric = (0..<8).map { "f\($0)" }
    let schema = try! FeatureSchema(numeric: numeric, categorical: ["country", "device"])
    var builder = try! EventBatchBuilder(
        header: BatchHeader(agentID: "bench-agent", sequence: 1, model: "fraud", modelVersion: "v1"),
        schema: schema
    )
    var generator = SystemRandomNumberGenerator()
    for index in 0..<events {
        try! builder.append(
            Event(
                timestamp: 1_700_000_000_000_000_000 + Int64(index) * 1_000_000,
                requestID: "req-\(index)",
                latencyMicroseconds: Double.random(in: 500...5000, using: &generator),
                prediction: .number(Double.random(in: 0...1, using: &generator)),
                numericFeatures: (0..<8).map { _ in Double.random(in: -3...3, using: &generator) },
                categoricalFeatures: [["DE", "FR", "US"][index % 3], ["ios", "web"][index % 2]]
            )
        )
    }
    return builder.build().encoded()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal],
        maxDuration: .seconds(10),
        maxIterations: 15
    )
    let transports = [("tcp", "tcp://127.0.0.1:*"), ("ipc", "")]
    for (name, transport) in transports {
        let raw = [UInt8](repeating: 0, count: 100)
        Benchmark("\(name) 100 B x 200k, C baseline (raw libzmq)") { benchmark in
            let endpoint = transport.isEmpty ? ipcEndpoint() : transport
            for _ in benchmark.scaledIterations {
                precondition(zmq_baseline_push_pull(endpoint, 200_000, 100) == 0)
            }
        }
        Benchmark("\(name) 100 B x 200k, Swift ZeroMQ") { benchmark in
            let endpoint = transport.isEmpty ? ipcEndpoint() : transport
            for _ in benchmark.scaledIterations {
                try swiftPushPull(transport: endpoint, count: 200_000, payload: raw, decode: false)
            }
        }
    }
    // Batches carrying 256k events per iteration in all three sizes, so rows compare as events per second.
    for events in [1, 64, 512] {
        let payload = encodedBatch(events: events)
        let messages = 262_144 / events
        let (name, transport) = transports[0]
        Benchmark("\(name) batch of \(events) (\(payload.count) B) x \(messages), C baseline (raw libzmq)") {
            benchmark in
            for _ in benchmark.scaledIterations {
                precondition(zmq_baseline_push_pull(transport, Int32(messages), Int32(payload.count)) == 0)
            }
        }
        Benchmark("\(name) batch of \(events) (\(payload.count) B) x \(messages), Swift ZeroMQ") { benchmark in
            for _ in benchmark.scaledIterations {
                try swiftPushPull(transport: transport, count: messages, payload: payload, decode: false)
            }
        }
        Benchmark("\(name) batch of \(events) (\(payload.count) B) x \(messages), Swift ZeroMQ + decode") {
            benchmark in
            for _ in benchmark.scaledIterations {
                try swiftPushPull(transport: transport, count: messages, payload: payload, decode: true)
            }
        }
    }
}
