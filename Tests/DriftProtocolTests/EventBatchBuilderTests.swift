import DriftProtocol
import Testing

@Suite("Event batch builder")
struct EventBatchBuilderTests {
    static func builder() throws -> EventBatchBuilder {
        try EventBatchBuilder(
            header: BatchHeader(agentID: "a", sequence: 1, model: "m", modelVersion: "1"),
            schema: try FeatureSchema(numeric: ["x"], categorical: ["c"]),
            customMetricNames: ["cost"]
        )
    }

    @Test("Values the wire format forbids are refused and leave the batch unchanged")
    func refusesInvalidEvents() throws {
        var builder = try Self.builder()
        let valid = Event(timestamp: 1, numericFeatures: [1], categoricalFeatures: ["a"], customMetrics: [nil])
        let cases: [(Event, ProtocolError.Reason)] = [
            (
                Event(timestamp: 1, numericFeatures: [], categoricalFeatures: ["a"], customMetrics: [nil]),
                .schemaMismatch(.numericFeature, expected: 1, found: 0)
            ),
            (
                Event(timestamp: 1, numericFeatures: [1], categoricalFeatures: [], customMetrics: [nil]),
                .schemaMismatch(.categoricalFeature, expected: 1, found: 0)
            ),
            (
                Event(timestamp: 1, numericFeatures: [1], categoricalFeatures: ["a"], customMetrics: []),
                .schemaMismatch(.customMetric, expected: 1, found: 0)
            ),
            (
                Event(timestamp: 1, numericFeatures: [.infinity], categoricalFeatures: ["a"], customMetrics: [nil]),
                .nonFiniteValue(.numericFeature)
            ),
            (
                Event(timestamp: 1, numericFeatures: [1], categoricalFeatures: ["a"], customMetrics: [.nan]),
                .nonFiniteValue(.customMetric)
            ),
            (
                Event(
                    timestamp: 1,
                    latencyMicroseconds: .nan,
                    numericFeatures: [1],
                    categoricalFeatures: ["a"],
                    customMetrics: [nil]
                ), .nonFiniteValue(.latency)
            ),
            (
                Event(
                    timestamp: 1,
                    latencyMicroseconds: -1,
                    numericFeatures: [1],
                    categoricalFeatures: ["a"],
                    customMetrics: [nil]
                ), .valueOutOfRange(.latency)
            ),
            (
                Event(
                    timestamp: 1,
                    prediction: .number(.nan),
                    numericFeatures: [1],
                    categoricalFeatures: ["a"],
                    customMetrics: [nil]
                ), .nonFiniteValue(.predictionNumber)
            ),
            (
                Event(
                    timestamp: 1,
                    prediction: .probabilities([]),
                    numericFeatures: [1],
                    categoricalFeatures: ["a"],
                    customMetrics: [nil]
                ), .countOutOfRange(.probabilityCount, 0)
            ),
            (
                Event(
                    timestamp: 1,
                    prediction: .probabilities([ClassProbability(label: "k", probability: 2)]),
                    numericFeatures: [1],
                    categoricalFeatures: ["a"],
                    customMetrics: [nil]
                ),
                .valueOutOfRange(.probabilityValue)
            ),
            (
                Event(
                    timestamp: 1,
                    requestID: "",
                    numericFeatures: [1],
                    categoricalFeatures: ["a"],
                    customMetrics: [nil]
                ), .lengthOutOfRange(.requestID, 0)
            ),
            (
                Event(
                    timestamp: 1,
                    numericFeatures: [1],
                    categoricalFeatures: [String(repeating: "é", count: 513)],
                    customMetrics: [nil]
                ), .lengthOutOfRange(.dictionaryEntry, 1_026)
            ),
        ]
        for (event, reason) in cases {
            #expect(throws: ProtocolError(reason, at: nil)) { try builder.append(event) }
        }
        #expect(builder.count == 0)
        #expect(builder.build().dictionary.isEmpty)
        try builder.append(valid)
        #expect(builder.count == 1)
        #expect(builder.encodedSize == builder.build().encoded().count)
    }

    @Test("Schemas and headers that break a rule are refused")
    func refusesInvalidSchemas() {
        #expect(throws: ProtocolError(.duplicateName(.featureName, "x"), at: nil)) {
            try FeatureSchema(numeric: ["x"], categorical: ["x"])
        }
        #expect(throws: ProtocolError(.lengthOutOfRange(.featureName, 0), at: nil)) { try FeatureSchema(numeric: [""]) }
        #expect(throws: ProtocolError(.countOutOfRange(.featureCount, 1_025), at: nil)) {
            try FeatureSchema(numeric: (0..<1_025).map { "f\($0)" })
        }
        #expect(throws: ProtocolError(.valueOutOfRange(.sequence), at: nil)) {
            try EventBatchBuilder(
                header: BatchHeader(agentID: "a", sequence: 0, model: "m", modelVersion: ""),
                schema: try FeatureSchema([])
            )
        }
        #expect(throws: ProtocolError(.duplicateName(.customMetricName, "c"), at: nil)) {
            try EventBatchBuilder(
                header: BatchHeader(agentID: "a", sequence: 1, model: "m", modelVersion: ""),
                schema: try FeatureSchema([]),
                customMetricNames: ["c", "c"]
            )
        }
    }

    @Test("The event limit per batch is enforced")
    func eventLimit() throws {
        var builder = try EventBatchBuilder(
            header: BatchHeader(agentID: "a", sequence: 1, model: "m", modelVersion: ""),
            schema: try FeatureSchema([])
        )
        for index in 0..<WireLimits.maxEventsPerBatch { try builder.append(Event(timestamp: Int64(index))) }
        #expect(throws: ProtocolError(.countOutOfRange(.eventCount, 65_537), at: nil)) {
            try builder.append(Event(timestamp: 0))
        }
        let decoded = try EventBatch(decoding: builder.build().encoded())
        #expect(decoded.count == 65_536)
        #expect(decoded.timestamps.last == 65_535)
    }

    @Test("Categorical values and class labels share one dictionary in first-use order")
    func dictionaryInterning() throws {
        var builder = try Self.builder()
        try builder.append(
            Event(
                timestamp: 1,
                prediction: .classLabel("b"),
                numericFeatures: [1],
                categoricalFeatures: ["a"],
                customMetrics: [1]
            )
        )
        try builder.append(
            Event(
                timestamp: 2,
                prediction: .classLabel("a"),
                numericFeatures: [.nan],
                categoricalFeatures: ["b"],
                customMetrics: [nil]
            )
        )
        try builder.append(Event(timestamp: 3, numericFeatures: [2], categoricalFeatures: [""], customMetrics: [nil]))
        let batch = builder.build()
        #expect(batch.dictionary == ["b", "a", ""])
        #expect(batch.categoricalIndices == [1, 0, 2])
        #expect(batch.predictionClasses == [0, 1, WireFormat.missingIndex])
        #expect(batch[2].categoricalFeature(at: 0) == "")
    }
}
