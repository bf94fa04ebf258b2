import DriftProtocol
import Foundation

@testable import DriftEngine

/// A seeded generator of realistic model traffic: 8 numeric features (standard normal, feature `f3` can shift),
/// 2 categorical features, log-normal latency, a small error rate and a binary class prediction whose correctness
/// can be degraded. Every knob is a plain property so a test can schedule an incident.
struct SyntheticTraffic {
    static let numericNames = (0..<8).map { "f\($0)" }
    static let categoricalNames = ["country", "device"]
    static let millisecond: Int64 = 1_000_000
    static let second: Int64 = 1_000_000_000

    var state: UInt64
    var model = "fraud"
    var version = "1"
    var time: Int64 = 1_700_000_000 * 1_000_000_000
    /// Event spacing in ns (default 1 ms: 1 000 events per second).
    var spacing: Int64 = 1_000_000
    var shift = 0.0
    var errorRate = 0.01
    var latencyScale = 1.0
    var accuracy = 0.9
    var sequence: UInt64 = 1
    var requestCounter = 0
    /// Ground truth of recent requests, for label batches.
    var truths: [(String, String)] = []

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// The next batch of `count` events.
    mutating func batch(_ count: Int, withRequestIDs: Bool = false) -> EventBatch {
        let header = BatchHeader(agentID: "test", sequence: sequence, model: model, modelVersion: version)
        sequence += 1
        // swift-format-ignore: NeverUseForceTry
        let schema = try! FeatureSchema(numeric: Self.numericNames, categorical: Self.categoricalNames)
        var builder = try! EventBatchBuilder(header: header, schema: schema)
        for _ in 0..<count {
            time += spacing
            var numbers = (0..<8).map { _ in normal() }
            numbers[3] += shift
            if uniform() < 0.02 { numbers[5] = .nan }
            let country = ["de", "fr", "us", "uk"][Int(next() % 4)]
            let device = uniform() < 0.7 ? "mobile" : "desktop"
            let truth = uniform() < 0.3 ? "fraud" : "ok"
            let correct = uniform() < accuracy
            let predicted = correct ? truth : (truth == "fraud" ? "ok" : "fraud")
            var requestID: String?
            if withRequestIDs {
                requestCounter += 1
                requestID = "req-\(requestCounter)"
                truths.append((requestID ?? "", truth))
            }
            let event = Event(
                timestamp: time,
                requestID: requestID,
                latencyMicroseconds: 2000 * latencyScale * exp(0.3 * normal()),
                outcome: uniform() < errorRate ? .error(code: 500) : .ok,
                prediction: .classLabel(predicted),
                numericFeatures: numbers,
                categoricalFeatures: [country, device]
            )
            try! builder.append(event)
        }
        return builder.build()
    }

    /// Labels for every request generated since the last call.
    mutating func labels() -> LabelBatch {
        let header = BatchHeader(agentID: "test", sequence: sequence, model: model, modelVersion: version)
        sequence += 1
        let labels = truths.map { Label(timestamp: time, requestID: $0.0, groundTruth: .classLabel($0.1)) }
        truths = []
        return LabelBatch(header: header, labels: labels)
    }
}

/// A configuration with short lifecycle timings for tests.
func testConfiguration(for f: Int64 = 5, keep: Int64 = 5) -> MonitorConfiguration {
    var c = MonitorConfiguration()
    c.lifecycle.forNanoseconds = f * SyntheticTraffic.second
    c.lifecycle.keepFiringForNanoseconds = keep * SyntheticTraffic.second
    return c
}

/// Runs `batches` batches of `size` events through an engine, applying `schedule` before each batch.
func run(
    _ engine: inout MonitorEngine,
    _ traffic: inout SyntheticTraffic,
    batches: Int,
    size: Int = 1000,
    schedule: (Int, inout SyntheticTraffic) -> Void = { _, _ in }
) -> [AlertNotification] {
    var out: [AlertNotification] = []
    for index in 0..<batches {
        schedule(index, &traffic)
        out += engine.ingest(traffic.batch(size))
    }
    return out
}
