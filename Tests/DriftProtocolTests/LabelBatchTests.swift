import DriftProtocol
import Testing

/// The reference label batch and acknowledgement, written from the specification.
struct ReferenceLabels {
    var labelKind: UInt8 = 2
    var classIndex: UInt32 = 1
    var number: Double = 12.5

    func message() -> SpecMessage {
        var m = SpecMessage()
        m.preamble(type: 2)
        m.string("agent-1", .agentID)
        m.u64(8, .sequence)
        m.string("fraud", .modelName)
        m.string("", .modelVersion)
        m.u32(2, .dictionaryCount)
        m.string("no", .dictionaryEntry)
        m.string("yes", .dictionaryEntry)
        m.u32(3, .labelCount)
        m.i64(5_000, .timestamp)
        m.string("r1", .requestID)
        m.u8(2, .labelKind)
        m.u32(0, .labelClass)
        m.i64(6_000, .timestamp)
        m.string("r3", .requestID)
        m.u8(labelKind, .labelKind)
        m.u32(classIndex, .labelClass)
        m.i64(7_000, .timestamp)
        m.string("r9", .requestID)
        m.u8(1, .labelKind)
        m.f64(number, .labelNumber)
        return m
    }

    static let batch = LabelBatch(
        header: BatchHeader(agentID: "agent-1", sequence: 8, model: "fraud", modelVersion: ""),
        labels: [
            Label(timestamp: 5_000, requestID: "r1", groundTruth: .classLabel("no")),
            Label(timestamp: 6_000, requestID: "r3", groundTruth: .classLabel("yes")),
            Label(timestamp: 7_000, requestID: "r9", groundTruth: .number(12.5)),
        ]
    )

    static func acknowledgementMessage() -> SpecMessage {
        var m = SpecMessage()
        m.preamble(type: 3)
        m.string("agent-1", .agentID)
        m.u64(41, .acknowledgedSequence)
        return m
    }
}

@Suite("Label batches and acknowledgements")
struct LabelBatchTests {
    @Test("A label batch encodes to the bytes of the specification and decodes back")
    func labelBatchMatchesSpecification() throws {
        let bytes = ReferenceLabels().message().bytes
        #expect(try ReferenceLabels.batch.encoded() == bytes)
        #expect(try LabelBatch(decoding: bytes) == ReferenceLabels.batch)
        #expect(try WireMessage(decoding: bytes) == .labels(ReferenceLabels.batch))
    }

    @Test("An acknowledgement encodes to the bytes of the specification and decodes back")
    func acknowledgementMatchesSpecification() throws {
        let acknowledgement = Acknowledgement(agentID: "agent-1", highestContiguousSequence: 41)
        let bytes = ReferenceLabels.acknowledgementMessage().bytes
        #expect(try acknowledgement.encoded() == bytes)
        #expect(try Acknowledgement(decoding: bytes) == acknowledgement)
        #expect(try WireMessage(decoding: bytes) == .acknowledgement(acknowledgement))
        #expect(throws: ProtocolError(.trailingBytes(2), at: bytes.count)) {
            try Acknowledgement(decoding: bytes + [0, 0])
        }
        #expect(throws: ProtocolError(.lengthOutOfRange(.agentID, 0), at: nil)) {
            try Acknowledgement(agentID: "", highestContiguousSequence: 1).encoded()
        }
    }

    @Test("Malformed label batches")
    func malformedLabels() {
        let message = ReferenceLabels().message()
        #expect(
            throws: ProtocolError(.invalidEnumValue(.labelKind, 0), at: message.offset(of: .labelKind, occurrence: 1))
        ) {
            try LabelBatch(decoding: ReferenceLabels(labelKind: 0).message().bytes)
        }
        #expect(
            throws: ProtocolError(
                .dictionaryIndexOutOfRange(.labelClass, 2),
                at: message.offset(of: .labelClass, occurrence: 1)
            )
        ) {
            try LabelBatch(decoding: ReferenceLabels(classIndex: 2).message().bytes)
        }
        #expect(throws: ProtocolError(.nonFiniteValue(.labelNumber), at: message.offset(of: .labelNumber))) {
            try LabelBatch(decoding: ReferenceLabels(number: .nan).message().bytes)
        }
        #expect(
            throws: ProtocolError(.countOutOfRange(.labelCount, 65_537), at: message.offset(of: .labelCount))
        ) {
            try LabelBatch(decoding: message.patched(.labelCount, with: SpecMessage.littleEndian(UInt32(65_537))))
        }
    }

    @Test("Label batches that break a rule are refused by the encoder")
    func encoderRefusesInvalidLabels() {
        let header = BatchHeader(agentID: "a", sequence: 1, model: "m", modelVersion: "")
        #expect(throws: ProtocolError(.nonFiniteValue(.labelNumber), at: nil)) {
            try LabelBatch(
                header: header,
                labels: [Label(timestamp: 0, requestID: "r", groundTruth: .number(.infinity))]
            )
            .encoded()
        }
        #expect(throws: ProtocolError(.lengthOutOfRange(.requestID, 0), at: nil)) {
            try LabelBatch(header: header, labels: [Label(timestamp: 0, requestID: "", groundTruth: .number(1))])
                .encoded()
        }
        var zero = header
        zero.sequence = 0
        #expect(throws: ProtocolError(.valueOutOfRange(.sequence), at: nil)) {
            try LabelBatch(header: zero, labels: []).encoded()
        }
    }

    @Test("Random label batches round-trip")
    func randomLabelsRoundTrip() throws {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<1_000 {
            let header = BatchHeader(
                agentID: RandomBatchContent.string(&rng, length: 1...8),
                sequence: UInt64.random(in: 1...UInt64.max, using: &rng),
                model: RandomBatchContent.string(&rng, length: 1...8),
                modelVersion: RandomBatchContent.string(&rng, length: 0...8)
            )
            let labels = (0..<Int.random(in: 0...20, using: &rng)).map { _ in
                Label(
                    timestamp: Int64.random(in: Int64.min...Int64.max, using: &rng),
                    requestID: RandomBatchContent.string(&rng, length: 1...20),
                    groundTruth: Bool.random(using: &rng)
                        ? .number(RandomBatchContent.randomDouble(&rng))
                        : .classLabel(RandomBatchContent.string(&rng, length: 0...4))
                )
            }
            let batch = LabelBatch(header: header, labels: labels)
            #expect(try LabelBatch(decoding: try batch.encoded()) == batch)
        }
    }
}
