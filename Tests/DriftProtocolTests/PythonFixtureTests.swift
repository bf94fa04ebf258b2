import DriftProtocol
import Foundation
import Testing

/// Checks the Swift codec against bytes written by the Python reference encoder
/// (`Tests/InteropTests/Python/write_fixture.py`, from `expected_batch.json`).
@Suite("Bytes from the Python reference encoder")
struct PythonFixtureTests {
    static func fixture() throws -> [UInt8] {
        let url = try #require(
            Bundle.module.url(forResource: "python_event_batch_v1", withExtension: "bin", subdirectory: "Fixtures")
        )
        return Array(try Data(contentsOf: url))
    }

    /// The content of `expected_batch.json`, built with the Swift builder.
    static func expected() throws -> EventBatch {
        let schema = try FeatureSchema([
            FeatureDescriptor(name: "income", kind: .numeric),
            FeatureDescriptor(name: "country", kind: .categorical),
            FeatureDescriptor(name: "age", kind: .numeric),
            FeatureDescriptor(name: "device", kind: .categorical),
            FeatureDescriptor(name: "score", kind: .numeric),
        ])
        var builder = try EventBatchBuilder(
            header: BatchHeader(
                agentID: "python-producer",
                sequence: 42,
                model: "credit-risk",
                modelVersion: "2024.06"
            ),
            schema: schema,
            customMetricNames: ["tokens", "cost_usd"]
        )
        let start: Int64 = 1_700_000_000_000_000_000
        let events = [
            Event(
                timestamp: start,
                requestID: "req-0001",
                latencyMicroseconds: 1_250.5,
                prediction: .number(0.8125),
                numericFeatures: [52_000, 41, 0.5],
                categoricalFeatures: ["fr", "ios"],
                customMetrics: [128, 0.0025]
            ),
            Event(
                timestamp: start + 1_000_000,
                prediction: .classLabel("approve"),
                numericFeatures: [.nan, 35, -1.25],
                categoricalFeatures: ["de", "android"],
                customMetrics: [64, nil]
            ),
            Event(
                timestamp: start + 2_000_000,
                requestID: "req-0003",
                latencyMicroseconds: 980,
                outcome: .error(code: 503),
                numericFeatures: [.nan, .nan, .nan],
                categoricalFeatures: [nil, "ios"],
                customMetrics: [nil, nil]
            ),
            Event(
                timestamp: start + 3_000_000,
                requestID: "req-0004-ünïcødé-中",
                latencyMicroseconds: 15_000.25,
                prediction: .probabilities([
                    ClassProbability(label: "approve", probability: 0.7),
                    ClassProbability(label: "reject", probability: 0.2),
                    ClassProbability(label: "review", probability: 0.1),
                ]),
                numericFeatures: [61_000, 29, 0],
                categoricalFeatures: ["fr", nil],
                customMetrics: [nil, 0.01]
            ),
            Event(
                timestamp: start + 4_000_000,
                latencyMicroseconds: 2,
                prediction: .classLabel("reject"),
                numericFeatures: [0, 80, 1e-300],
                categoricalFeatures: ["jp", "web"],
                customMetrics: [0, -1.5]
            ),
            Event(
                timestamp: start + 5_000_000,
                requestID: "req-0006",
                outcome: .error(code: 429),
                prediction: .number(-3.5),
                numericFeatures: [1e12, 18, 2.5],
                categoricalFeatures: ["fr", "ios"],
                customMetrics: [1, nil]
            ),
        ]
        for event in events { try builder.append(event) }
        return builder.build()
    }

    @Test("Swift decodes the Python batch field by field, and encodes the same content to the same bytes")
    func pythonBatch() throws {
        let bytes = try Self.fixture()
        #expect(bytes.count == 693)
        let decoded = try EventBatch(decoding: bytes)
        let expected = try Self.expected()
        #expect(decoded == expected)
        #expect(expected.encoded() == bytes)
        #expect(decoded.dictionary == ["fr", "ios", "approve", "de", "android", "reject", "review", "jp", "web"])
        #expect(decoded[3].requestID == "req-0004-ünïcødé-中")
        #expect(decoded[2].outcome == .error(code: 503))
        #expect(decoded[1].numericFeature(at: 0).isNaN)
        #expect(decoded[3].customMetric(named: "cost_usd") == 0.01)
        #expect(decoded[3].customMetric(named: "tokens") == nil)
    }

    @Test("The Python label batch and acknowledgement match the Swift bytes")
    func pythonLabelsAndAcknowledgement() throws {
        // Printed by driftwatch_wire.encode_label_batch / encode_acknowledgement for the reference content.
        let labels =
            "445246570100020007006167656e742d3108000000000000000500667261756400000200000002006e6f03007965730300"
            + "000088130000000000000200723102000000007017000000000000020072330201000000581b000000000000020072390100"
            + "00000000002940"
        let acknowledgement = "445246570100030007006167656e742d312900000000000000"
        #expect(try ReferenceLabels.batch.encoded() == Self.bytes(hex: labels))
        #expect(
            try Acknowledgement(agentID: "agent-1", highestContiguousSequence: 41).encoded()
                == Self.bytes(hex: acknowledgement)
        )
    }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) ?? 0
        }
    }
}
