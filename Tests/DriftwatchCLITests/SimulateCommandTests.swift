import DriftProtocol
import Foundation
import TestSupport
import Testing
import ZeroMQ

/// What a test-owned ROUTER received from `driftwatch simulate`, and how the process ended.
private struct SimulatorCapture {
    /// Every message in arrival order: sequence and raw bytes (resends included).
    var arrivals: [(sequence: UInt64, bytes: [UInt8])] = []
    /// The first copy of each batch, by sequence.
    var batches: [UInt64: WireMessage] = [:]
    /// The first copy's bytes, by sequence.
    var bytes: [UInt64: [UInt8]] = [:]
    /// The routing ids the messages came from.
    var routingIDs: Set<[UInt8]> = []
    /// How the simulator ended.
    var output: ChildProcess.Output?

    var events: [EventBatch] {
        batches.keys.sorted().compactMap { if case .events(let batch) = batches[$0] { batch } else { nil } }
    }

    var labels: [LabelBatch] {
        batches.keys.sorted().compactMap { if case .labels(let batch) = batches[$0] { batch } else { nil } }
    }
}

/// Runs `driftwatch simulate` against a ROUTER bound by the test; acknowledges every batch (cumulatively, as
/// docs/protocol.md §1 says) when `acknowledge` is true, never otherwise.
private func runSimulator(_ arguments: [String], acknowledge: Bool) throws -> SimulatorCapture {
    let context = try ZeroMQContext()
    let router = try ZeroMQSocket(context, type: .router)
    let endpoint = try router.bind("tcp://127.0.0.1:*")
    let process = try ChildProcess.start(ChildProcess.driftwatchExecutable, ["simulate", "--to", endpoint] + arguments)
    var capture = SimulatorCapture()
    var highest: UInt64 = 0
    let deadline = ContinuousClock.now + .seconds(90)
    while ContinuousClock.now < deadline {
        guard let frames = try router.receive(timeout: .milliseconds(300)) else {
            if !process.isRunning { break }
            continue
        }
        try #require(frames.count == 2)
        let bytes = frames[1].bytes
        let message = try WireMessage(decoding: bytes)
        let header: BatchHeader
        switch message {
        case .events(let batch): header = batch.header
        case .labels(let batch): header = batch.header
        case .acknowledgement:
            Issue.record("the simulator sent an acknowledgement")
            continue
        }
        capture.routingIDs.insert(frames[0].bytes)
        capture.arrivals.append((header.sequence, bytes))
        if capture.batches[header.sequence] == nil {
            capture.batches[header.sequence] = message
            capture.bytes[header.sequence] = bytes
        }
        if acknowledge {
            while capture.batches[highest + 1] != nil { highest += 1 }
            let ack = Acknowledgement(agentID: header.agentID, highestContiguousSequence: highest)
            try router.send([frames[0].bytes, try ack.encoded()])
        }
    }
    capture.output = try process.waitForExit(timeout: .seconds(30))
    return capture
}

/// The documented standard deviation of `amount`: lognormal with mu 3.5 and sigma 1.
private let amountStandardDeviation = ((exp(1.0) - 1) * exp(8.0)).squareRoot()

private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }

@Suite("driftwatch simulate", .serialized)
struct SimulateCommandTests {
    static let startTime: Int64 = 1_700_000_000_000_000_000

    @Test("--fast sends the fraud schema, contiguous sequences, labels for the label fraction, and a feature drift")
    func fastRunWithFeatureDrift() throws {
        let capture = try runSimulator(
            [
                "--fast", "--duration", "20", "--rate", "500", "--seed", "7", "--start-time", "1700000000",
                "--agent-id", "sim-test", "--label-delay", "2", "--incident", "feature_drift@8+6:amount*3",
            ],
            acknowledge: true
        )
        let output = try #require(capture.output)
        #expect(output.status == 0, "\(output.standardError)")
        #expect(capture.routingIDs == [Array("sim-test".utf8)])

        // Sequences cover event and label batches, contiguous from 1, in order, each once.
        let sequences = capture.arrivals.map(\.sequence)
        #expect(sequences == Array(1...UInt64(sequences.count)))
        #expect(output.standardError.contains("acknowledged through sequence \(sequences.count); 0 batch(es)"))

        let events = capture.events
        let schema = try #require(events.first?.schema)
        #expect(
            schema.numericNames == [
                "amount", "account_age_days", "tx_per_hour", "distance_km", "merchant_risk", "hour_of_day",
                "card_age_days", "velocity_score",
            ]
        )
        #expect(schema.categoricalNames == ["country", "device"])
        for batch in events {
            #expect(batch.header.model == "fraud-detector" && batch.header.modelVersion == "v1")
            #expect(batch.header.agentID == "sim-test")
            #expect(batch.count <= 64)
        }

        let views = events.flatMap { batch in batch.events.map(\.event) }
        // Poisson arrivals at 500/s for 20 s: 10 000 ± 100 (1 sd).
        #expect((9_600...10_400).contains(views.count), "\(views.count) events")
        #expect(output.standardError.contains("sent \(views.count) events"))
        let requestIDs = views.compactMap(\.requestID)
        #expect(requestIDs.count == views.count && Set(requestIDs).count == views.count)
        #expect(views.map(\.timestamp) == views.map(\.timestamp).sorted())
        #expect(views.allSatisfy { $0.timestamp >= Self.startTime && $0.timestamp < Self.startTime + 20_000_000_000 })

        // Errors: ~0.5 %, code 500, no prediction; otherwise probabilities {fraud, legit} summing to 1.
        let errors = views.filter { $0.outcome.isError }
        #expect((20...90).contains(errors.count), "\(errors.count) errors")
        #expect(errors.allSatisfy { $0.outcome.wireCode == 500 && $0.prediction == .absent })
        var predicted: [String: String] = [:]
        var fraudCount = 0
        for event in views where !event.outcome.isError {
            guard case .probabilities(let classes) = event.prediction else {
                Issue.record("prediction \(event.prediction)")
                continue
            }
            #expect(classes.map(\.label) == ["fraud", "legit"])
            #expect(abs(classes[0].probability + classes[1].probability - 1) < 1e-12)
            let label = classes[0].probability >= 0.5 ? "fraud" : "legit"
            if label == "fraud" { fraudCount += 1 }
            predicted[event.requestID ?? ""] = label
        }
        #expect(fraudCount > 0 && Double(fraudCount) < 0.3 * Double(views.count), "\(fraudCount) predicted fraud")

        // Latency lognormal around 20 ms, in microseconds.
        let latencies = views.compactMap(\.latencyMicroseconds).sorted()
        #expect(latencies.count == views.count)
        let median = latencies[latencies.count / 2]
        #expect((18_500...21_500).contains(median), "median latency \(median) µs")

        // Categorical values from the documented sets; hour_of_day whole hours.
        #expect(
            Set(views.compactMap { $0.categoricalFeatures[0] }).isSubset(of: ["US", "GB", "DE", "FR", "IN", "BR", "NG"])
        )
        #expect(Set(views.compactMap { $0.categoricalFeatures[1] }) == ["ios", "android", "web"])

        // The drift: amount moves by 3 documented standard deviations inside [8 s, 14 s) and nowhere else.
        func seconds(_ event: Event) -> Double { Double(event.timestamp - Self.startTime) / 1e9 }
        let before = views.filter { seconds($0) < 8 }
        let during = views.filter { (8..<14).contains(seconds($0)) }
        let after = views.filter { seconds($0) >= 14 }
        let amount = { (events: [Event]) in mean(events.map { $0.numericFeatures[0] }) }
        let velocity = { (events: [Event]) in mean(events.map { $0.numericFeatures[7] }) }
        let shift = (amount(during) - amount(before + after)) / amountStandardDeviation
        #expect(abs(shift - 3) < 0.2, "amount shifted by \(shift) sd")
        #expect(abs(amount(after) - amount(before)) / amountStandardDeviation < 0.15)
        #expect(abs(velocity(during) - velocity(before + after)) < 0.1)
        #expect(before.allSatisfy { $0.numericFeatures[5] == $0.numericFeatures[5].rounded() })

        // Labels: about half the requests, each 2 s after its request, ~90 % agreeing with the prediction.
        let labels = capture.labels.flatMap(\.labels)
        let share = Double(labels.count) / Double(views.count)
        #expect(abs(share - 0.5) < 0.03, "label share \(share)")
        #expect(output.standardError.contains("and \(labels.count) labels"))
        let timestamps = Dictionary(uniqueKeysWithValues: views.map { ($0.requestID ?? "", $0.timestamp) })
        #expect(labels.allSatisfy { timestamps[$0.requestID].map { t in t + 2_000_000_000 } == $0.timestamp })
        var agree = 0
        var compared = 0
        for label in labels {
            guard let prediction = predicted[label.requestID], case .classLabel(let truth) = label.groundTruth else {
                continue
            }
            compared += 1
            if truth == prediction { agree += 1 }
        }
        let accuracy = Double(agree) / Double(compared)
        #expect(abs(accuracy - 0.9) < 0.02, "accuracy \(accuracy)")
    }

    @Test("Two --fast runs with the same seed and --start-time send identical batches; another seed does not")
    func deterministic() throws {
        let arguments = [
            "--fast", "--duration", "5", "--rate", "400", "--start-time", "2024-05-01T12:00:00Z", "--agent-id",
            "twin", "--incident", "latency_spike@1+2*4", "--incident", "error_spike@2+1*0.3",
        ]
        let first = try runSimulator(arguments + ["--seed", "42"], acknowledge: true)
        let second = try runSimulator(arguments + ["--seed", "42"], acknowledge: true)
        let other = try runSimulator(arguments + ["--seed", "43"], acknowledge: true)
        #expect(first.output?.status == 0 && second.output?.status == 0)
        let firstBatches = first.bytes.keys.sorted().map { first.bytes[$0] ?? [] }
        #expect(firstBatches.count > 10)
        #expect(firstBatches == second.bytes.keys.sorted().map { second.bytes[$0] ?? [] })
        #expect(firstBatches != other.bytes.keys.sorted().map { other.bytes[$0] ?? [] })
        let start: Int64 = 1_714_564_800_000_000_000
        #expect(first.events.first?.timestamps.first.map { $0 >= start && $0 < start + 1_000_000_000 } == true)

        // The incidents act where scheduled: latency ×4 in [1 s, 3 s), error rate 0.3 in [2 s, 3 s).
        let views = first.events.flatMap { batch in batch.events.map(\.event) }
        func window(_ range: Range<Double>) -> [Event] {
            views.filter { range.contains(Double($0.timestamp - start) / 1e9) }
        }
        func medianLatency(_ events: [Event]) -> Double {
            let sorted = events.compactMap(\.latencyMicroseconds).sorted()
            return sorted[sorted.count / 2]
        }
        let ratio = medianLatency(window(1..<3)) / medianLatency(window(0..<1) + window(3..<5))
        #expect(abs(ratio - 4) < 0.4, "latency ratio \(ratio)")
        let spike = window(2..<3)
        let errorShare = Double(spike.count { $0.outcome.isError }) / Double(spike.count)
        #expect(abs(errorShare - 0.3) < 0.08, "error share \(errorShare)")
    }

    @Test("A collector that never acknowledges gets the batches again and the simulator exits 1 saying how many")
    func retransmitsWithoutAcknowledgement() throws {
        let capture = try runSimulator(
            ["--fast", "--duration", "1", "--rate", "200", "--agent-id", "lonely", "--seed", "3"],
            acknowledge: false
        )
        let output = try #require(capture.output)
        #expect(output.status == 1, "\(output.standardError)")
        let unique = Set(capture.arrivals.map(\.sequence))
        #expect(unique == Set(1...UInt64(unique.count)))
        #expect(capture.arrivals.count > unique.count, "no batch was resent")
        // Resent batches are the same bytes.
        for arrival in capture.arrivals { #expect(capture.bytes[arrival.sequence] == arrival.bytes) }
        #expect(output.standardError.contains("\(unique.count) batch(es) unacknowledged"))
        #expect(output.standardError.contains("acknowledged through sequence 0"))
        #expect(output.standardError.contains("\(capture.arrivals.count - unique.count) resent"))
    }

    @Test(
        "Bad --incident specs exit 64 naming what is wrong",
        arguments: [
            ("feature_drift@20+30:amout*3", "unknown feature 'amout'"),
            ("error_spike@60+20*1.3", "MAGNITUDE '1.3' of error_spike must be a rate from 0 to 1"),
            ("latency_spike@x+20", "START 'x' must be a number of seconds"),
            ("latency_spike@10", "missing '+LENGTH'"),
            ("latency@1+2", "unknown kind 'latency'"),
            ("error_spike@1+2:amount", "only feature_drift takes a ':TARGET'"),
            ("latency_spike10+5", "missing '@START'"),
            ("traffic_drop@5+0*0.1", "LENGTH '0' must be a number of seconds > 0"),
            ("latency_spike@5+10*abc", "MAGNITUDE 'abc'"),
        ]
    )
    func rejectsBadIncident(spec: String, problem: String) throws {
        let result = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["simulate", "--incident", spec, "--to", "tcp://127.0.0.1:1"]
        )
        #expect(result.status == 64)
        #expect(result.standardError.contains("Invalid --incident '\(spec)': \(problem)"), "\(result.standardError)")
        #expect(result.standardError.contains("KIND@START+LENGTH[:TARGET][*MAGNITUDE]"))
    }

    @Test("--help documents the incident grammar and every kind")
    func help() throws {
        let result = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["simulate", "--help"])
        #expect(result.status == 0)
        for text in ["KIND@START+LENGTH[:TARGET][*MAGNITUDE]", "--fast", "--start-time"]
            + ["feature_drift", "prediction_drift", "error_spike", "latency_spike", "traffic_drop", "accuracy_drop"]
        {
            #expect(result.standardOutput.contains(text), "missing \(text)")
        }
    }
}
