import DriftProtocol
import Testing

@Suite("Malformed event batches")
struct MalformedInputTests {
    static let reference = ReferenceBatch().message()

    static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> EventBatch { try EventBatch(decoding: bytes) }

    static func f64(_ value: Double) -> [UInt8] { SpecMessage.littleEndian(value.bitPattern) }

    @Test("Every truncation names the field it cut and where that field starts")
    func everyTruncation() throws {
        let message = Self.reference
        for length in 0..<message.bytes.count {
            let expected = try #require(message.truncationError(at: length))
            #expect(throws: expected) { try Self.decode(Array(message.bytes[..<length])) }
        }
        #expect(message.truncationError(at: message.bytes.count) == nil)
        #expect(throws: ProtocolError(.truncated(.magic), at: 0)) { try Self.decode([]) }
        #expect(throws: ProtocolError(.truncated(.numericFeature), at: 130)) {
            try Self.decode(Array(message.bytes[..<130]))
        }
    }

    @Test("Every truncation of label batches and acknowledgements names its field")
    func labelAndAcknowledgementTruncations() throws {
        let labels = ReferenceLabels().message()
        for length in 0..<labels.bytes.count {
            let expected = try #require(labels.truncationError(at: length))
            #expect(throws: expected) { try LabelBatch(decoding: Array(labels.bytes[..<length])) }
        }
        let acknowledgement = ReferenceLabels.acknowledgementMessage()
        for length in 0..<acknowledgement.bytes.count {
            let expected = try #require(acknowledgement.truncationError(at: length))
            #expect(throws: expected) { try Acknowledgement(decoding: Array(acknowledgement.bytes[..<length])) }
        }
    }

    @Test("Preamble errors")
    func preamble() {
        var bytes = Self.reference.bytes
        bytes[0] = 0x45
        #expect(throws: ProtocolError(.badMagic, at: 0)) { try Self.decode(bytes) }
        #expect(throws: ProtocolError(.unsupportedVersion(major: 2, minor: 0), at: 4)) {
            try Self.decode(ReferenceBatch(major: 2).message().bytes)
        }
        #expect(throws: ProtocolError(.unsupportedVersion(major: 0, minor: 9), at: 4)) {
            try Self.decode(ReferenceBatch(major: 0, minor: 9).message().bytes)
        }
        #expect(throws: ProtocolError(.reservedBitsSet(.messageFlags, 0x01), at: 7)) {
            try Self.decode(ReferenceBatch(flags: 1).message().bytes)
        }
        #expect(throws: ProtocolError(.invalidEnumValue(.messageType, 9), at: 6)) {
            try Self.decode(Self.reference.patched(.messageType, with: [9]))
        }
        #expect(throws: ProtocolError(.invalidEnumValue(.messageType, 0), at: 6)) {
            try Self.decode(Self.reference.patched(.messageType, with: [0]))
        }
        #expect(throws: ProtocolError(.unexpectedMessageType(expected: .eventBatch, found: .labelBatch), at: 6)) {
            try Self.decode(ReferenceLabels().message().bytes)
        }
        #expect(throws: ProtocolError(.unexpectedMessageType(expected: .labelBatch, found: .eventBatch), at: 6)) {
            try LabelBatch(decoding: Self.reference.bytes)
        }
        #expect(throws: ProtocolError(.trailingBytes(1), at: 320)) { try Self.decode(Self.reference.bytes + [0]) }
    }

    @Test("A message above the size limit is rejected before anything is read")
    func messageTooLarge() {
        var bytes = Self.reference.bytes
        bytes += [UInt8](repeating: 0, count: WireLimits.maxMessageBytes + 1 - bytes.count)
        #expect(throws: ProtocolError(.messageTooLarge(WireLimits.maxMessageBytes + 1), at: 0)) {
            try Self.decode(bytes)
        }
    }

    @Test("Counts above their limits")
    func oversizeCounts() {
        let featureCountOffset = Self.reference.offset(of: .featureCount)
        #expect(throws: ProtocolError(.countOutOfRange(.featureCount, 1_025), at: featureCountOffset)) {
            try Self.decode(ReferenceBatch(featureCount: 1_025).message().bytes)
        }
        #expect(throws: ProtocolError(.countOutOfRange(.featureCount, 65_535), at: featureCountOffset)) {
            try Self.decode(ReferenceBatch(featureCount: 65_535).message().bytes)
        }
        #expect(
            throws: ProtocolError(
                .countOutOfRange(.customMetricCount, 65),
                at: Self.reference.offset(of: .customMetricCount)
            )
        ) {
            try Self.decode(ReferenceBatch(customMetricCount: 65).message().bytes)
        }
        #expect(
            throws: ProtocolError(
                .countOutOfRange(.dictionaryCount, 65_537),
                at: Self.reference.offset(of: .dictionaryCount)
            )
        ) {
            try Self.decode(ReferenceBatch(dictionaryCount: 65_537).message().bytes)
        }
        #expect(
            throws: ProtocolError(
                .countOutOfRange(.dictionaryCount, Int(UInt32.max)),
                at: Self.reference.offset(of: .dictionaryCount)
            )
        ) {
            try Self.decode(ReferenceBatch(dictionaryCount: .max).message().bytes)
        }
        #expect(
            throws: ProtocolError(.countOutOfRange(.eventCount, 65_537), at: Self.reference.offset(of: .eventCount))
        ) {
            try Self.decode(ReferenceBatch(eventCount: 65_537).message().bytes)
        }
        let probabilityOffset = Self.reference.offset(of: .probabilityCount)
        #expect(throws: ProtocolError(.countOutOfRange(.probabilityCount, 1_025), at: probabilityOffset)) {
            try Self.decode(ReferenceBatch(probabilityCount: 1_025).message().bytes)
        }
        #expect(throws: ProtocolError(.countOutOfRange(.probabilityCount, 0), at: probabilityOffset)) {
            try Self.decode(ReferenceBatch(probabilityCount: 0).message().bytes)
        }
    }

    @Test("Counts within limits but beyond the message end report the truncation, not an allocation")
    func countsBeyondTheEnd() {
        // 65 536 events announced, 4 present: the fifth is missing at the end of the message.
        #expect(throws: ProtocolError(.truncated(.timestamp), at: 320)) {
            try Self.decode(ReferenceBatch(eventCount: 65_536).message().bytes)
        }
        // 65 536 dictionary entries announced, 4 present: the event count is read as the fifth entry's length.
        let entryOffsetAfterDictionary = Self.reference.offset(of: .eventCount)
        #expect(throws: ProtocolError(.truncated(.dictionaryEntry), at: entryOffsetAfterDictionary + 2)) {
            try Self.decode(
                Array(ReferenceBatch(dictionaryCount: 65_536).message().bytes[..<(entryOffsetAfterDictionary + 3)])
            )
        }
    }

    @Test("String lengths out of range")
    func stringLengths() {
        let long = [UInt8](repeating: 0x61, count: 1_025)
        #expect(throws: ProtocolError(.lengthOutOfRange(.agentID, 1_025), at: 8)) {
            try Self.decode(ReferenceBatch(agentID: long).message().bytes)
        }
        #expect(throws: ProtocolError(.lengthOutOfRange(.agentID, 0), at: 8)) {
            try Self.decode(ReferenceBatch(agentID: []).message().bytes)
        }
        let exactly = [UInt8](repeating: 0x61, count: 1_024)
        #expect(throws: Never.self) { try Self.decode(ReferenceBatch(agentID: exactly).message().bytes) }
        let modelOffset = Self.reference.offset(of: .modelName)
        #expect(throws: ProtocolError(.lengthOutOfRange(.modelName, 0), at: modelOffset)) {
            try Self.decode(ReferenceBatch(model: []).message().bytes)
        }
        #expect(
            throws: ProtocolError(.lengthOutOfRange(.requestID, 0), at: Self.reference.offset(of: .requestID))
        ) {
            try Self.decode(Self.reference.patched(.requestID, with: [0, 0]))
        }
    }

    @Test(
        "Invalid UTF-8 is reported at its first bad byte",
        arguments: [
            [0xFF] as [UInt8], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
        ]
    )
    func invalidUTF8(sequence: [UInt8]) {
        let model = Array("fr".utf8) + sequence + Array("ud".utf8)
        let message = ReferenceBatch(model: model).message()
        let badByte = message.offset(of: .modelName, occurrence: 1) + 2
        #expect(throws: ProtocolError(.invalidUTF8(.modelName), at: badByte)) { try Self.decode(message.bytes) }
    }

    @Test("Valid multi-byte UTF-8 is accepted")
    func validUTF8() throws {
        let model = Array("modèle-中-😀-abcdefghij".utf8)
        let decoded = try Self.decode(ReferenceBatch(model: model).message().bytes)
        #expect(decoded.header.model == "modèle-中-😀-abcdefghij")
    }

    @Test("NaN and infinity where a finite value is required")
    func nonFiniteValues() {
        let message = Self.reference
        let cases: [(WireField, Int, Double, ProtocolError.Reason)] = [
            (.latency, 0, .nan, .nonFiniteValue(.latency)),
            (.latency, 0, .infinity, .nonFiniteValue(.latency)),
            (.latency, 1, -1, .valueOutOfRange(.latency)),
            (.predictionNumber, 0, .nan, .nonFiniteValue(.predictionNumber)),
            (.predictionNumber, 0, -.infinity, .nonFiniteValue(.predictionNumber)),
            (.probabilityValue, 0, .nan, .nonFiniteValue(.probabilityValue)),
            (.probabilityValue, 1, 1.000_000_1, .valueOutOfRange(.probabilityValue)),
            (.probabilityValue, 1, -0.5, .valueOutOfRange(.probabilityValue)),
            (.numericFeature, 3, .infinity, .nonFiniteValue(.numericFeature)),
            (.numericFeature, 0, -.infinity, .nonFiniteValue(.numericFeature)),
            (.customMetric, 2, .infinity, .nonFiniteValue(.customMetric)),
        ]
        for (field, occurrence, value, reason) in cases {
            let bytes = message.patched(field, occurrence: occurrence, with: Self.f64(value))
            #expect(throws: ProtocolError(reason, at: message.offset(of: field, occurrence: occurrence))) {
                try Self.decode(bytes)
            }
        }
    }

    @Test("NaN where it means missing is accepted")
    func missingValues() throws {
        let bytes = Self.reference.patched(.numericFeature, occurrence: 0, with: Self.f64(.nan))
        let decoded = try Self.decode(bytes)
        #expect(decoded[0].numericFeature(at: 0).isNaN)
        let probability = Self.reference.patched(.probabilityValue, occurrence: 0, with: Self.f64(1))
        #expect(try Self.decode(probability)[3].prediction.kind == .probabilities)
    }

    @Test("Dictionary indices out of range")
    func dictionaryIndices() {
        let message = Self.reference
        let cases: [(WireField, Int, UInt32)] = [
            (.categoricalFeature, 0, 4), (.categoricalFeature, 2, 0xFFFF_FFFE), (.predictionClass, 0, 4),
            (.probabilityClass, 1, 99),
        ]
        for (field, occurrence, index) in cases {
            let bytes = message.patched(field, occurrence: occurrence, with: SpecMessage.littleEndian(index))
            #expect(
                throws: ProtocolError(
                    .dictionaryIndexOutOfRange(field, index),
                    at: message.offset(of: field, occurrence: occurrence)
                )
            ) {
                try Self.decode(bytes)
            }
        }
    }

    @Test("Unknown enumerated values and reserved bits")
    func enumeratedValues() {
        let message = Self.reference
        #expect(
            throws: ProtocolError(
                .invalidEnumValue(.featureKind, 2),
                at: message.offset(of: .featureKind, occurrence: 1)
            )
        ) {
            try Self.decode(message.patched(.featureKind, occurrence: 1, with: [2]))
        }
        #expect(
            throws: ProtocolError(
                .invalidEnumValue(.predictionKind, 4),
                at: message.offset(of: .predictionKind, occurrence: 1)
            )
        ) {
            try Self.decode(message.patched(.predictionKind, occurrence: 1, with: [4]))
        }
        #expect(
            throws: ProtocolError(
                .reservedBitsSet(.eventFlags, 0x04),
                at: message.offset(of: .eventFlags, occurrence: 1)
            )
        ) {
            try Self.decode(message.patched(.eventFlags, occurrence: 1, with: [0x04]))
        }
    }

    @Test("Duplicate names and a zero sequence number")
    func namesAndSequence() {
        let duplicateFeature = ReferenceBatch(featureNames: ["amount", "country", "amount"]).message()
        #expect(
            throws: ProtocolError(
                .duplicateName(.featureName, "amount"),
                at: duplicateFeature.offset(of: .featureName, occurrence: 4)
            )
        ) {
            try Self.decode(duplicateFeature.bytes)
        }
        let duplicateMetric = ReferenceBatch(customMetricNames: ["tokens", "tokens"]).message()
        #expect(
            throws: ProtocolError(
                .duplicateName(.customMetricName, "tokens"),
                at: duplicateMetric.offset(of: .customMetricName, occurrence: 2)
            )
        ) {
            try Self.decode(duplicateMetric.bytes)
        }
        #expect(throws: ProtocolError(.valueOutOfRange(.sequence), at: Self.reference.offset(of: .sequence))) {
            try Self.decode(ReferenceBatch(sequence: 0).message().bytes)
        }
    }

    @Test("Errors carry stable codes and readable messages")
    func errorText() {
        let error = ProtocolError(.truncated(.numericFeature), at: 123)
        #expect(error.code == "truncated")
        #expect(error.field == .numericFeature)
        #expect(error.message == "message ends inside numeric_feature (at byte 123)")
        #expect(ProtocolError(.badMagic, at: 0).code == "bad_magic")
        #expect(
            ProtocolError(.invalidUTF8(.modelName), at: 12).description
                == "invalid_utf8: model_name is not valid UTF-8 (at byte 12)"
        )
    }
}
