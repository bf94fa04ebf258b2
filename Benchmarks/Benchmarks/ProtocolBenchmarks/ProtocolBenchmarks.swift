// Wire protocol v1: encode and decode of one event batch of 512 events, each with 8 numeric and 2 categorical
// features, a class-probability prediction, a latency and a request id. Throughput is reported per batch; multiply
// by 512 for events per second (docs/performance.md).
import Benchmark
import DriftProtocol

/// The benchmark batch: 512 events, 8 numeric + 2 categorical features, fixed content (no randomness).
func makeBenchmarkBatch() -> EventBatch {
    let numeric = (0..<8).map { "num_\($0)" }
    let categorical = ["country", "device"]
    let countries = ["fr", "de", "us", "jp", "br", "in"]
    let devices = ["ios", "android", "web"]
    do {
        let schema = try FeatureSchema(numeric: numeric, categorical: categorical)
        let header = BatchHeader(agentID: "bench-agent", sequence: 1, model: "churn", modelVersion: "2024-06-01")
        var builder = try EventBatchBuilder(header: header, schema: schema)
        for index in 0..<512 {
            let features = (0..<8).map { Double(index) * 0.25 + Double($0) }
            try builder.append(
                Event(
                    timestamp: 1_700_000_000_000_000_000 + Int64(index) * 1_000_000,
                    requestID: "req-\(100_000 + index)",
                    latencyMicroseconds: 1_500 + Double(index % 97),
                    outcome: .ok,
                    prediction: .number(Double(index % 10) / 10),
                    numericFeatures: features,
                    categoricalFeatures: [countries[index % countries.count], devices[index % devices.count]]
                )
            )
        }
        return builder.build()
    } catch {
        fatalError("benchmark batch is invalid: \(error)")
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions],
        warmupIterations: 100,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 200_000
    )
    let batch = makeBenchmarkBatch()
    let bytes = batch.encoded()

    Benchmark("Encode batch of 512 events (8 numeric + 2 categorical)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(batch.encoded())
        }
    }

    Benchmark("Decode batch of 512 events (8 numeric + 2 categorical)") { benchmark in
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try EventBatch(decoding: bytes))
            } catch {
                fatalError("decode failed: \(error)")
            }
        }
    }

    Benchmark("Decode batch of 512 events, read every feature through the event views") { benchmark in
        for _ in benchmark.scaledIterations {
            do {
                let decoded = try EventBatch(decoding: bytes)
                var sum = 0.0
                for event in decoded.events {
                    sum += event.numericFeature(at: 0) + (event.latencyMicroseconds ?? 0)
                }
                blackHole(sum)
            } catch {
                fatalError("decode failed: \(error)")
            }
        }
    }
}
