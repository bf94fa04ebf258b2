import Benchmark
import DriftEngine
import DriftProtocol
import Foundation
import ZeroMQ
import ZeroMQBaseline

#if canImport(Glibc)
import Glibc
#endif

// The collector's hot path without HTTP: wire batches are decoded and fed to `MonitorEngine`, once from bytes in
// memory and once arriving over ZeroMQ PUSH -> PULL tcp, next to raw libzmq (C) moving the same number of
// messages of the same size in the same run (docs/performance.md, "Collector ingest and evaluation").
//
// Workload: 100 models (model-000 ... model-099), batches of 512 events, each event with 8 numeric and 2
// categorical features, a latency, an outcome (1 % errors), a numeric prediction and, in most rows, a request id.
// Values are stationary draws from a seeded SplitMix64. Event time advances 1 ms per event per model, batches
// are interleaved across models. Each iteration starts from a fresh engine (default `MonitorConfiguration`)
// warmed, outside the measurement, with 2 batches per model (1,024 events, so the first-1,000-events reference
// is frozen); the measured part is 8 more batches per model (409,600 events, 4 evaluations per model at the
// default cadence of 1,000 events; the 10 s event-time cadence never fires first at 1,000 events/s per model).

/// Models in the workload.
let modelCount = 100
/// Events per batch.
let eventsPerBatch = 512
/// Batches per model fed before the measurement (reference collection).
let warmUpBatches = 2
/// Batches per model in the measured part.
let measuredBatches = 8
/// First event time, ns since the epoch.
let startTime: Int64 = 1_700_000_000_000_000_000

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator so every run sees the same data.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in (0, 1).
    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    /// A standard normal draw (Box-Muller).
    mutating func normal() -> Double { (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit()) }
}

/// The pre-encoded wire batches of one workload: warm-up batches and measured batches, interleaved by model.
struct Workload: Sendable {
    var warmUp: [[UInt8]] = []
    var measured: [[UInt8]] = []

    /// Events in the measured batches.
    var measuredEvents: Int { measured.count * eventsPerBatch }
    /// Mean size of a measured batch in bytes.
    var meanMessageSize: Int { measured.reduce(0) { $0 + $1.count } / max(measured.count, 1) }

    init(requestIDs: Bool, seed: UInt64 = 42) {
        var generators = modelGenerators(seed: seed)
        for batchIndex in 0..<(warmUpBatches + measuredBatches) {
            for model in 0..<modelCount {
                let bytes = encodedBatch(
                    model: model,
                    batchIndex: batchIndex,
                    requestIDs: requestIDs,
                    generator: &generators[model]
                )
                if batchIndex < warmUpBatches { warmUp.append(bytes) } else { measured.append(bytes) }
            }
        }
    }
}

/// One seeded generator per model.
func modelGenerators(seed: UInt64) -> [SplitMix64] {
    (0..<modelCount).map { SplitMix64(state: seed &+ UInt64($0) &* 7919) }
}

let schema = try! FeatureSchema(numeric: (0..<8).map { "f\($0)" }, categorical: ["country", "device"])
let countries = ["DE", "FR", "US", "GB", "IT"]
let devices = ["ios", "android", "web"]

/// The wire bytes of batch `batchIndex` of `model`: 512 stationary events, 1 ms apart in event time.
func encodedBatch(model: Int, batchIndex: Int, requestIDs: Bool, generator: inout SplitMix64) -> [UInt8] {
    let name = "model-" + String(1000 + model).dropFirst()
    var builder = try! EventBatchBuilder(
        header: BatchHeader(agentID: "bench-agent", sequence: UInt64(batchIndex + 1), model: name, modelVersion: "v1"),
        schema: schema
    )
    for offset in 0..<eventsPerBatch {
        let index = batchIndex * eventsPerBatch + offset
        var numeric = [Double](repeating: 0, count: 8)
        for feature in 0..<8 {
            numeric[feature] = Double(feature) + (1 + 0.1 * Double(feature)) * generator.normal()
        }
        let error = generator.unit() < 0.01
        try! builder.append(
            Event(
                timestamp: startTime + Int64(index) * 1_000_000 + Int64(model) * 10_000,
                requestID: requestIDs ? "r\(model)-\(1_000_000_000 + index)" : nil,
                latencyMicroseconds: 1000 * exp(0.3 * generator.normal()),
                outcome: error ? .error(code: 500) : .ok,
                prediction: .number(generator.unit()),
                numericFeatures: numeric,
                categoricalFeatures: [countries[Int(generator.next() % 5)], devices[Int(generator.next() % 3)]]
            )
        )
    }
    return builder.build().encoded()
}

/// A fresh engine fed the warm-up batches (references frozen).
func warmedEngine(_ workload: Workload, resolver: ConfigurationResolver) throws -> MonitorEngine {
    var engine = MonitorEngine(resolver: resolver)
    for bytes in workload.warmUp { _ = engine.ingest(try EventBatch(decoding: bytes)) }
    return engine
}

/// Pushes every message of `messages` to `endpoint` from a dedicated thread that owns its socket.
func startSender(context: ZeroMQContext, endpoint: String, messages: [[UInt8]]) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        do {
            let push = try ZeroMQSocket(context, type: .push, linger: nil)
            try push.connect(endpoint)
            for message in messages { try push.send(message) }
            push.close()
        } catch {
            fatalError("sender failed: \(error)")
        }
        done.signal()
    }
    thread.start()
    return done
}

/// Receives `messages.count` batches over tcp; with an engine, decodes each and ingests it.
/// - Returns: notifications returned by the engine, or bytes received without one.
func receiveOverTCP(messages: [[UInt8]], engine: inout MonitorEngine?) throws -> Int {
    let context = try ZeroMQContext()
    let pull = try ZeroMQSocket(context, type: .pull)
    let endpoint = try pull.bind("tcp://127.0.0.1:*")
    let done = startSender(context: context, endpoint: endpoint, messages: messages)
    var total = 0
    for _ in 0..<messages.count {
        total += try pull.receiveFrame { buffer, _ in
            guard engine != nil else { return buffer.count }
            let batch = try EventBatch(decoding: buffer)
            return engine!.ingest(batch).count
        }
    }
    done.wait()
    pull.close()
    return total
}

/// Resident bytes of the process (`/proc/self/statm`), after glibc's `malloc_trim(0)` has returned free heap
/// pages to the system, so memory freed earlier in the process does not hide growth.
func residentBytes() -> Int {
    typealias Trim = @convention(c) (Int) -> Int32
    if let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") {
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal],
        maxDuration: .seconds(10),
        maxIterations: 15
    )
    let withIDs = Workload(requestIDs: true)
    let withoutIDs = Workload(requestIDs: false)
    let defaults = ConfigurationResolver()
    var noAccuracyConfiguration = MonitorConfiguration()
    noAccuracyConfiguration.accuracy.enabled = false
    let noAccuracy = ConfigurationResolver(defaults: noAccuracyConfiguration)
    let measuredEvents = withIDs.measuredEvents
    let size = withIDs.meanMessageSize

    // Decoding alone, to split the cost of the rows below.
    Benchmark("decode only, request ids (\(measuredEvents) events)") { benchmark in
        for _ in benchmark.scaledIterations {
            var events = 0
            for bytes in withIDs.measured { events += try EventBatch(decoding: bytes).count }
            blackHole(events)
        }
    }
    // Without count-driven evaluation (the 10 s event-time cadence does not come due in the 5.1 s per model fed),
    // to split ingestion from evaluation.
    var noEvaluationConfiguration = MonitorConfiguration()
    noEvaluationConfiguration.evaluateEveryEvents = 0
    let noEvaluation = ConfigurationResolver(defaults: noEvaluationConfiguration)
    let variants = [
        ("decode + ingest + evaluate, request ids, accuracy on (defaults)", withIDs, defaults, 5),
        ("decode + ingest + evaluate, no request ids (defaults)", withoutIDs, defaults, 5),
        ("decode + ingest + evaluate, request ids, accuracy off", withIDs, noAccuracy, 5),
        ("decode + ingest, no evaluation, request ids, accuracy on", withIDs, noEvaluation, 0),
        ("decode + ingest, no evaluation, no request ids", withoutIDs, noEvaluation, 0),
    ]
    for (name, workload, resolver, expectedEvaluations) in variants {
        Benchmark("\(name), 100 models (\(measuredEvents) events)") { benchmark in
            var engine = try warmedEngine(workload, resolver: resolver)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                var notifications = 0
                for bytes in workload.measured {
                    notifications += engine.ingest(try EventBatch(decoding: bytes)).count
                }
                blackHole(notifications)
            }
            benchmark.stopMeasurement()
            let evaluations = Set(engine.snapshot().models.map(\.evaluations))
            precondition(evaluations == [UInt64(expectedEvaluations)], "evaluations per model: \(evaluations)")
        }
    }

    // The same bytes over ZeroMQ tcp: raw C transport, Swift transport, and Swift transport into the engine.
    let messages = Int32(withIDs.measured.count)
    Benchmark("tcp \(messages) x \(size) B, C baseline (raw libzmq)") { benchmark in
        for _ in benchmark.scaledIterations {
            precondition(zmq_baseline_push_pull("tcp://127.0.0.1:*", messages, Int32(size)) == 0)
        }
    }
    Benchmark("tcp \(messages) x \(size) B, Swift ZeroMQ transport only") { benchmark in
        for _ in benchmark.scaledIterations {
            var none: MonitorEngine? = nil
            blackHole(try receiveOverTCP(messages: withIDs.measured, engine: &none))
        }
    }
    Benchmark("tcp \(messages) x \(size) B, Swift ZeroMQ + decode + ingest + evaluate (defaults)") { benchmark in
        var engine: MonitorEngine? = try warmedEngine(withIDs, resolver: defaults)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try receiveOverTCP(messages: withIDs.measured, engine: &engine))
        }
        benchmark.stopMeasurement()
        let evaluations = Set(engine?.snapshot().models.map(\.evaluations) ?? [])
        precondition(evaluations == [5], "evaluations per model: \(evaluations)")
    }

    // Memory: resident growth of an engine with 100 models x 10 features at the defaults, after the references
    // are frozen and the current windows are full (4,096 events per model), and after 10,752 events per model
    // with request ids and no labels (the label join at its 10,000-entry cap). Reported per model-feature pair.
    for (name, requestIDs, batches) in [("no request ids, 4,096", false, 8), ("request ids, 10,752", true, 21)] {
        Benchmark(
            "memory per model-feature pair, \(name) events per model",
            configuration: .init(
                metrics: [.custom("resident bytes per pair", useScalingFactor: false)],
                maxIterations: 1
            )
        ) { benchmark in
            let before = residentBytes()
            var engine = MonitorEngine(resolver: defaults)
            var generators = modelGenerators(seed: 42)
            for batchIndex in 0..<batches {
                for model in 0..<modelCount {
                    let bytes = encodedBatch(
                        model: model,
                        batchIndex: batchIndex,
                        requestIDs: requestIDs,
                        generator: &generators[model]
                    )
                    _ = engine.ingest(try EventBatch(decoding: bytes))
                }
            }
            let after = residentBytes()
            let pairs = modelCount * 10
            benchmark.measurement(
                .custom("resident bytes per pair", useScalingFactor: false),
                (after - before) / pairs
            )
            let line =
                "engine memory, \(name) events per model: resident \(before) -> \(after) bytes, "
                + "\((after - before) / pairs) bytes per model-feature pair\n"
            FileHandle.standardError.write(Data(line.utf8))
            withExtendedLifetime(engine) {}
        }
    }
}
