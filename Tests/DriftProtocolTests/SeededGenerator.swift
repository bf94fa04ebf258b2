import DriftProtocol

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator so every property test is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random but valid batch content, drawn from a ``SeededGenerator``.
struct RandomBatchContent {
    var header: BatchHeader
    var schema: FeatureSchema
    var customMetricNames: [String]
    var events: [Event]

    /// Alphabet mixing ASCII, 2-, 3- and 4-byte UTF-8 scalars.
    static let alphabet: [Character] = ["a", "b", "z", "0", "_", "-", "é", "ß", "€", "中", "😀", " "]

    static func string(_ rng: inout SeededGenerator, length: ClosedRange<Int>) -> String {
        let count = Int.random(in: length, using: &rng)
        return String((0..<count).map { _ in alphabet.randomElement(using: &rng) ?? "a" })
    }

    static func make(_ rng: inout SeededGenerator) throws -> RandomBatchContent {
        let header = BatchHeader(
            agentID: string(&rng, length: 1...12),
            sequence: UInt64.random(in: 1...UInt64.max, using: &rng),
            model: string(&rng, length: 1...20),
            modelVersion: string(&rng, length: 0...8)
        )
        let featureCount = Int.random(in: 0...6, using: &rng)
        let features = (0..<featureCount).map { position in
            FeatureDescriptor(
                name: "f\(position)_" + string(&rng, length: 0...6),
                kind: Bool.random(using: &rng) ? .numeric : .categorical
            )
        }
        let schema = try FeatureSchema(features)
        let customMetricNames = (0..<Int.random(in: 0...3, using: &rng)).map { "m\($0)" }
        let categories = (0..<Int.random(in: 1...5, using: &rng)).map { _ in string(&rng, length: 0...5) }
        let classes = (0..<Int.random(in: 1...4, using: &rng)).map { "class-\($0)" + string(&rng, length: 0...3) }
        let events = (0..<Int.random(in: 0...40, using: &rng)).map { _ in
            randomEvent(
                &rng,
                schema: schema,
                metrics: customMetricNames.count,
                categories: categories,
                classes: classes
            )
        }
        return RandomBatchContent(header: header, schema: schema, customMetricNames: customMetricNames, events: events)
    }

    static func randomDouble(_ rng: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: 0
        case 1: -0.0
        case 2: Double.random(in: -1e300...1e300, using: &rng)
        case 3: Double.leastNonzeroMagnitude
        default: Double.random(in: -1000...1000, using: &rng)
        }
    }

    static func randomEvent(
        _ rng: inout SeededGenerator,
        schema: FeatureSchema,
        metrics: Int,
        categories: [String],
        classes: [String]
    ) -> Event {
        let prediction: Prediction
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: prediction = .absent
        case 1: prediction = .number(randomDouble(&rng))
        case 2: prediction = .classLabel(classes.randomElement(using: &rng) ?? "x")
        default:
            prediction = .probabilities(
                classes.shuffled(using: &rng).prefix(Int.random(in: 1...classes.count, using: &rng)).map {
                    ClassProbability(
                        label: $0,
                        probability: Bool.random(using: &rng) ? Double.random(in: 0...1, using: &rng) : 1
                    )
                }
            )
        }
        return Event(
            timestamp: Int64.random(in: Int64.min...Int64.max, using: &rng),
            requestID: Bool.random(using: &rng) ? string(&rng, length: 1...30) : nil,
            latencyMicroseconds: Bool.random(using: &rng) ? Double.random(in: 0...1e7, using: &rng) : nil,
            outcome: Bool.random(using: &rng) ? .ok : .error(code: UInt16.random(in: 1...UInt16.max, using: &rng)),
            prediction: prediction,
            numericFeatures: (0..<schema.numericCount).map { _ in
                Int.random(in: 0..<5, using: &rng) == 0 ? .nan : randomDouble(&rng)
            },
            categoricalFeatures: (0..<schema.categoricalCount).map { _ in
                Int.random(in: 0..<5, using: &rng) == 0 ? nil : categories.randomElement(using: &rng)
            },
            customMetrics: (0..<metrics).map { _ in
                Bool.random(using: &rng) ? randomDouble(&rng) : nil
            }
        )
    }

    func build() throws -> EventBatch {
        var builder = try EventBatchBuilder(header: header, schema: schema, customMetricNames: customMetricNames)
        for event in events { try builder.append(event) }
        return builder.build()
    }
}
