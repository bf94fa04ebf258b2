import DriftProtocol
import Testing

@Suite("Event batch round trips")
struct RoundTripTests {
    @Test("The encoder writes exactly the bytes of the specification")
    func encoderMatchesSpecification() throws {
        let batch = try ReferenceBatch.built()
        let expected = ReferenceBatch().message().bytes
        #expect(batch.encoded() == expected)
        #expect(batch.encodedSize == expected.count)
        #expect(expected.count == 320)
    }

    @Test("The reference batch decodes field by field")
    func referenceBatchDecodes() throws {
        let decoded = try EventBatch(decoding: ReferenceBatch().message().bytes)
        #expect(decoded == (try ReferenceBatch.built()))
        #expect(decoded.header == BatchHeader(agentID: "agent-1", sequence: 7, model: "fraud", modelVersion: "v3"))
        #expect(decoded.schema.numericNames == ["amount", "age"])
        #expect(decoded.schema.categoricalNames == ["country"])
        #expect(decoded.customMetricNames == ["tokens"])
        #expect(decoded.dictionary == ["fr", "yes", "de", "no"])
        #expect(decoded.count == 4)
        #expect(decoded.timestamps == [1_000, 2_000, -3_000, 4_000])
        #expect(decoded.outcomeCodes == [0, 503, 0, 0])
        #expect(decoded.categoricalIndices == [0, WireFormat.missingIndex, 2, 0])

        let first = decoded[0]
        #expect(first.requestID == "r1")
        #expect(first.latencyMicroseconds == 12.5)
        #expect(first.outcome == .ok)
        #expect(first.prediction == .number(0.75))
        #expect(first.numericFeature(at: 0) == 10)
        #expect(first.numericFeature(at: 1).isNaN)
        #expect(first.categoricalFeature(at: 0) == "fr")
        #expect(first.customMetric(named: "tokens") == 3)

        let second = decoded[1]
        #expect(second.requestID == nil)
        #expect(!second.hasRequestID)
        #expect(second.latencyMicroseconds == nil)
        #expect(second.outcome == .error(code: 503))
        #expect(second.outcome.isError)
        #expect(second.prediction == .absent)
        #expect(second.categoricalFeature(at: 0) == nil)
        #expect(second.customMetric(at: 0) == nil)

        #expect(decoded[2].prediction == .classLabel("yes"))
        #expect(decoded[2].latencyMicroseconds == nil)
        #expect(decoded[3].requestID == nil)
        #expect(decoded[3].latencyMicroseconds == 0)
        #expect(
            decoded[3].prediction
                == .probabilities([
                    ClassProbability(label: "yes", probability: 0.25),
                    ClassProbability(label: "no", probability: 0.75),
                ])
        )
        #expect(decoded.events.map(\.timestamp) == [1_000, 2_000, -3_000, 4_000])
    }

    @Test("Random batches round-trip through encode and decode", arguments: [1, 2, 3, 4])
    func randomBatchesRoundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 0xD1F7 &* seed)
        var eventsSeen = 0
        for _ in 0..<750 {
            let content = try RandomBatchContent.make(&rng)
            let batch = try content.build()
            let bytes = batch.encoded()
            #expect(bytes.count == batch.encodedSize)
            let decoded = try EventBatch(decoding: bytes)
            #expect(decoded == batch)
            #expect(decoded.header == content.header)
            #expect(decoded.schema == content.schema)
            #expect(decoded.events.map(\.event) == content.events)
            #expect(decoded.encoded() == bytes)
            let message = try WireMessage(decoding: bytes)
            #expect(message == .events(batch))
            eventsSeen += content.events.count
        }
        #expect(eventsSeen > 10_000)
    }

    @Test("Random corruptions decode to a value or to an error inside the message")
    func corruptionsAreTotal() throws {
        var rng = SeededGenerator(seed: 42)
        var failures = 0
        for _ in 0..<400 {
            let bytes = try RandomBatchContent.make(&rng).build().encoded()
            for _ in 0..<10 {
                var corrupted = bytes
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let position = Int.random(in: 0..<corrupted.count, using: &rng)
                    corrupted[position] = UInt8.random(in: 0...255, using: &rng)
                }
                do {
                    let decoded = try EventBatch(decoding: corrupted)
                    #expect(decoded.encodedSize == corrupted.count)
                } catch {
                    failures += 1
                    let offset = try #require(error.offset)
                    #expect(offset >= 0 && offset <= corrupted.count)
                }
            }
        }
        #expect(failures > 100)
    }

    @Test("The worked example of docs/protocol.md decodes")
    func documentedExample() throws {
        let bytes: [UInt8] = [
            0x44, 0x52, 0x46, 0x57, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x61, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x01, 0x00, 0x6D, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x78, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F,
        ]
        let batch = try EventBatch(decoding: bytes)
        #expect(batch.header == BatchHeader(agentID: "a", sequence: 1, model: "m", modelVersion: ""))
        #expect(batch.schema.numericNames == ["x"])
        #expect(batch.count == 1)
        #expect(batch[0].event == Event(timestamp: 0, numericFeatures: [1.5]))
        var builder = try EventBatchBuilder(header: batch.header, schema: batch.schema)
        try builder.append(Event(timestamp: 0, numericFeatures: [1.5]))
        #expect(builder.build().encoded() == bytes)
    }

    @Test("A later minor version with appended bytes and flags decodes; v1.0 with them does not")
    func minorVersionRule() throws {
        let reference = try ReferenceBatch.built()
        let later = ReferenceBatch(minor: 3, flags: 0x80, extraBytes: [1, 2, 3]).message().bytes
        #expect(try EventBatch(decoding: later) == reference)
        let current = ReferenceBatch(extraBytes: [1, 2, 3]).message().bytes
        #expect(throws: ProtocolError(.trailingBytes(3), at: 320)) { try EventBatch(decoding: current) }
    }
}
