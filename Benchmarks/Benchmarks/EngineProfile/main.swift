import DriftEngine
import DriftProtocol
import Foundation

// A plain executable over the EngineBenchmarks workload (100 models, 512-event batches of 8 numeric and
// 2 categorical features, stationary seeded data) for profilers: `perf record -g` or `valgrind --tool=callgrind`
// see the engine without the benchmark harness around it. Prints the best of `REPETITIONS` passes per variant.
//
//   swift build -c release --scratch-path .build-engine --product EngineProfile
//   .build-engine/release/EngineProfile [REPETITIONS] [ids|noids|noeval]

/// SplitMix64 (Steele, Lea, Flood 2014), as in EngineBenchmarks, so both see the same data.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    mutating func normal() -> Double { (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit()) }
}

let modelCount = 100
let eventsPerBatch = 512
let warmUpBatches = 2
let measuredBatches = 8
let startTime: Int64 = 1_700_000_000_000_000_000
let countries = ["DE", "FR", "US", "GB", "IT"]
let devices = ["ios", "android", "web"]

func batches(requestIDs: Bool) throws -> (warmUp: [[UInt8]], measured: [[UInt8]]) {
    let schema = try FeatureSchema(numeric: (0..<8).map { "f\($0)" }, categorical: ["country", "device"])
    var generators = (0..<modelCount).map { SplitMix64(state: 42 &+ UInt64($0) &* 7919) }
    var warmUp: [[UInt8]] = []
    var measured: [[UInt8]] = []
    for batchIndex in 0..<(warmUpBatches + measuredBatches) {
        for model in 0..<modelCount {
            let name = "model-" + String(1000 + model).dropFirst()
            var builder = try EventBatchBuilder(
                header: BatchHeader(
                    agentID: "bench-agent",
                    sequence: UInt64(batchIndex + 1),
                    model: name,
                    modelVersion: "v1"
                ),
                schema: schema
            )
            for offset in 0..<eventsPerBatch {
                let index = batchIndex * eventsPerBatch + offset
                var numeric = [Double](repeating: 0, count: 8)
                for feature in 0..<8 {
                    numeric[feature] = Double(feature) + (1 + 0.1 * Double(feature)) * generators[model].normal()
                }
                let error = generators[model].unit() < 0.01
                try builder.append(
                    Event(
                        timestamp: startTime + Int64(index) * 1_000_000 + Int64(model) * 10_000,
                        requestID: requestIDs ? "r\(model)-\(1_000_000_000 + index)" : nil,
                        latencyMicroseconds: 1000 * exp(0.3 * generators[model].normal()),
                        outcome: error ? .error(code: 500) : .ok,
                        prediction: .number(generators[model].unit()),
                        numericFeatures: numeric,
                        categoricalFeatures: [
                            countries[Int(generators[model].next() % 5)], devices[Int(generators[model].next() % 3)],
                        ]
                    )
                )
            }
            let bytes = builder.build().encoded()
            if batchIndex < warmUpBatches { warmUp.append(bytes) } else { measured.append(bytes) }
        }
    }
    return (warmUp, measured)
}

let arguments = CommandLine.arguments
let repetitions = arguments.count >= 2 ? Int(arguments[1]) ?? 5 : 5
let variant = arguments.count >= 3 ? arguments[2] : "ids"
var configuration = MonitorConfiguration()
if variant == "noeval" { configuration.evaluateEveryEvents = 0 }
let resolver = ConfigurationResolver(defaults: configuration)
let workload = try batches(requestIDs: variant != "noids")
/// CPU time of this thread in seconds: on a shared machine it excludes time spent waiting for a core.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let clock = ContinuousClock()
var best = Double.infinity
var bestCPU = Double.infinity
var notifications = 0
for _ in 0..<repetitions {
    var engine = MonitorEngine(resolver: resolver)
    for bytes in workload.warmUp { _ = engine.ingest(try EventBatch(decoding: bytes)) }
    let cpuStart = threadCPUSeconds()
    let elapsed = try clock.measure {
        for bytes in workload.measured { notifications += engine.ingest(try EventBatch(decoding: bytes)).count }
    }
    bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
    best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
let events = Double(workload.measured.count * eventsPerBatch)
print(
    "\(variant): \(Int(events)) events, best wall \(String(format: "%.1f", best * 1000)) ms "
        + "(\(String(format: "%.2f", events / best / 1e6)) M events/s), best CPU "
        + "\(String(format: "%.1f", bestCPU * 1000)) ms (\(String(format: "%.2f", events / bestCPU / 1e6)) M events/s), "
        + "\(notifications) notifications"
)
