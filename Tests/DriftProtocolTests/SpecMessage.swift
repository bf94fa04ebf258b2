import DriftProtocol

/// An independent writer of wire-protocol bytes, written from `docs/protocol.md` rather than from the library,
/// that records where every primitive field starts. Tests use it to check the encoder byte for byte, to predict
/// the exact error of every truncation, and to patch single fields.
struct SpecMessage {
    struct Span {
        var field: WireField
        var start: Int
        var count: Int
    }

    var bytes: [UInt8] = []
    var spans: [Span] = []

    private mutating func put(_ raw: [UInt8], _ field: WireField) {
        spans.append(Span(field: field, start: bytes.count, count: raw.count))
        bytes += raw
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    mutating func u8(_ value: UInt8, _ field: WireField) { put([value], field) }
    mutating func u16(_ value: UInt16, _ field: WireField) { put(Self.littleEndian(value), field) }
    mutating func u32(_ value: UInt32, _ field: WireField) { put(Self.littleEndian(value), field) }
    mutating func u64(_ value: UInt64, _ field: WireField) { put(Self.littleEndian(value), field) }
    mutating func i64(_ value: Int64, _ field: WireField) { put(Self.littleEndian(value), field) }
    mutating func f64(_ value: Double, _ field: WireField) { put(Self.littleEndian(value.bitPattern), field) }

    /// A string: `u16` byte length, then the bytes (recorded as two spans of the same field).
    mutating func string(_ value: String, _ field: WireField) { rawString(Array(value.utf8), field) }

    mutating func rawString(_ value: [UInt8], _ field: WireField) {
        u16(UInt16(truncatingIfNeeded: value.count), field)
        if !value.isEmpty { put(value, field) }
    }

    mutating func preamble(type: UInt8, major: UInt8 = 1, minor: UInt8 = 0, flags: UInt8 = 0) {
        put([0x44, 0x52, 0x46, 0x57], .magic)
        put([major, minor], .version)
        u8(type, .messageType)
        u8(flags, .messageFlags)
    }

    /// Start of the `occurrence`-th span of `field` (string length prefixes and string bytes are separate spans).
    func offset(of field: WireField, occurrence: Int = 0) -> Int {
        let matching = spans.filter { $0.field == field }
        return matching[occurrence].start
    }

    /// Replaces the bytes of the `occurrence`-th span of `field` (same length).
    func patched(_ field: WireField, occurrence: Int = 0, with raw: [UInt8]) -> [UInt8] {
        let span = spans.filter { $0.field == field }[occurrence]
        precondition(span.count == raw.count, "patch must keep the span length")
        var copy = bytes
        copy.replaceSubrange(span.start..<(span.start + span.count), with: raw)
        return copy
    }

    /// The error a decoder must report when the message is cut to `length` bytes (`nil` if nothing is cut).
    func truncationError(at length: Int) -> ProtocolError? {
        guard let span = spans.first(where: { $0.start + $0.count > length }) else { return nil }
        return ProtocolError(.truncated(span.field), at: span.start)
    }
}

/// The reference event batch of the malformed-input tests, with knobs for the values a test wants to break.
struct ReferenceBatch {
    var major: UInt8 = 1
    var minor: UInt8 = 0
    var flags: UInt8 = 0
    var agentID: [UInt8] = Array("agent-1".utf8)
    var sequence: UInt64 = 7
    var model: [UInt8] = Array("fraud".utf8)
    var featureNames = ["amount", "country", "age"]
    var featureKinds: [UInt8] = [0, 1, 0]
    var featureCount: UInt16?
    var customMetricNames = ["tokens"]
    var customMetricCount: UInt16?
    var dictionary = ["fr", "yes", "de", "no"]
    var dictionaryCount: UInt32?
    var eventCount: UInt32?
    var probabilityCount: UInt16?
    var extraBytes: [UInt8] = []

    func message() -> SpecMessage {
        var m = SpecMessage()
        m.preamble(type: 1, major: major, minor: minor, flags: flags)
        m.rawString(agentID, .agentID)
        m.u64(sequence, .sequence)
        m.rawString(model, .modelName)
        m.string("v3", .modelVersion)
        m.u16(featureCount ?? UInt16(featureNames.count), .featureCount)
        for (name, kind) in zip(featureNames, featureKinds) {
            m.u8(kind, .featureKind)
            m.string(name, .featureName)
        }
        m.u16(customMetricCount ?? UInt16(customMetricNames.count), .customMetricCount)
        for name in customMetricNames { m.string(name, .customMetricName) }
        m.u32(dictionaryCount ?? UInt32(dictionary.count), .dictionaryCount)
        for entry in dictionary { m.string(entry, .dictionaryEntry) }
        m.u32(eventCount ?? 4, .eventCount)
        // Event 1: request id, latency, number prediction.
        m.i64(1_000, .timestamp)
        m.u8(0b11, .eventFlags)
        m.string("r1", .requestID)
        m.f64(12.5, .latency)
        m.u16(0, .outcome)
        m.u8(1, .predictionKind)
        m.f64(0.75, .predictionNumber)
        m.f64(10, .numericFeature)
        m.f64(.nan, .numericFeature)
        m.u32(0, .categoricalFeature)
        m.f64(3, .customMetric)
        // Event 2: nothing optional, an error outcome, everything missing.
        m.i64(2_000, .timestamp)
        m.u8(0, .eventFlags)
        m.u16(503, .outcome)
        m.u8(0, .predictionKind)
        m.f64(.nan, .numericFeature)
        m.f64(40, .numericFeature)
        m.u32(0xFFFF_FFFF, .categoricalFeature)
        m.f64(.nan, .customMetric)
        // Event 3: request id only, class-label prediction.
        m.i64(-3_000, .timestamp)
        m.u8(0b01, .eventFlags)
        m.string("r3", .requestID)
        m.u16(0, .outcome)
        m.u8(2, .predictionKind)
        m.u32(1, .predictionClass)
        m.f64(1, .numericFeature)
        m.f64(2, .numericFeature)
        m.u32(2, .categoricalFeature)
        m.f64(5, .customMetric)
        // Event 4: latency only, class probabilities.
        m.i64(4_000, .timestamp)
        m.u8(0b10, .eventFlags)
        m.f64(0, .latency)
        m.u16(0, .outcome)
        m.u8(3, .predictionKind)
        m.u16(probabilityCount ?? 2, .probabilityCount)
        m.u32(1, .probabilityClass)
        m.f64(0.25, .probabilityValue)
        m.u32(3, .probabilityClass)
        m.f64(0.75, .probabilityValue)
        m.f64(-1.5, .numericFeature)
        m.f64(0, .numericFeature)
        m.u32(0, .categoricalFeature)
        m.f64(.nan, .customMetric)
        if !extraBytes.isEmpty {
            m.bytes += extraBytes
        }
        return m
    }

    /// The same content built through the library's builder.
    static func built() throws -> EventBatch {
        let schema = try FeatureSchema([
            FeatureDescriptor(name: "amount", kind: .numeric),
            FeatureDescriptor(name: "country", kind: .categorical),
            FeatureDescriptor(name: "age", kind: .numeric),
        ])
        var builder = try EventBatchBuilder(
            header: BatchHeader(agentID: "agent-1", sequence: 7, model: "fraud", modelVersion: "v3"),
            schema: schema,
            customMetricNames: ["tokens"]
        )
        try builder.append(
            Event(
                timestamp: 1_000,
                requestID: "r1",
                latencyMicroseconds: 12.5,
                prediction: .number(0.75),
                numericFeatures: [10, .nan],
                categoricalFeatures: ["fr"],
                customMetrics: [3]
            )
        )
        try builder.append(
            Event(
                timestamp: 2_000,
                outcome: .error(code: 503),
                numericFeatures: [.nan, 40],
                categoricalFeatures: [nil],
                customMetrics: [nil]
            )
        )
        try builder.append(
            Event(
                timestamp: -3_000,
                requestID: "r3",
                prediction: .classLabel("yes"),
                numericFeatures: [1, 2],
                categoricalFeatures: ["de"],
                customMetrics: [5]
            )
        )
        try builder.append(
            Event(
                timestamp: 4_000,
                latencyMicroseconds: 0,
                prediction: .probabilities([
                    ClassProbability(label: "yes", probability: 0.25),
                    ClassProbability(label: "no", probability: 0.75),
                ]),
                numericFeatures: [-1.5, 0],
                categoricalFeatures: ["fr"],
                customMetrics: [nil]
            )
        )
        return builder.build()
    }
}
