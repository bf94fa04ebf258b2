import DriftProtocol
import DriftStatistics
import Foundation
import Testing

@testable import DriftEngine

/// The privacy options: what a model's `privacy` section lets the collector keep of request ids and values.
@Suite("Privacy filter")
struct PrivacyFilterTests {
    static let key = Array("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".utf8)

    static func resolver(_ privacy: String) throws -> ConfigurationResolver {
        let json = #"{"models": {"fraud": {"privacy": \#(privacy)}}}"#
        return try JSONDecoder().decode(ConfigurationResolver.self, from: Data(json.utf8))
    }

    static func requestIDs(_ batch: EventBatch) -> [String] {
        (0..<batch.count).map { index in
            String(decoding: batch.requestIDBytes[batch.requestIDRange(of: index)], as: UTF8.self)
        }
    }

    @Test("Hashing needs the privacy key, and the error names every section that hashes")
    func missingKey() throws {
        let resolver = try Self.resolver(#"{"request_ids": "hash"}"#)
        #expect(throws: PrivacyFilter.MissingKey(sections: ["models.fraud"])) {
            try PrivacyFilter(resolver: resolver, key: nil)
        }
        #expect(throws: PrivacyFilter.MissingKey.self) {
            try PrivacyFilter(resolver: resolver, key: Array(Self.key.prefix(31)))
        }
        #expect(try PrivacyFilter(resolver: resolver, key: Self.key).isIdentity == false)
        #expect(try PrivacyFilter(resolver: ConfigurationResolver(), key: nil).isIdentity)
    }

    @Test("Unknown values and keys are configuration errors; a bad sketch accuracy is a validation problem")
    func configuration() throws {
        #expect(throws: DecodingError.self) { try Self.resolver(#"{"request_ids": "encrypt"}"#) }
        #expect(throws: DecodingError.self) { try Self.resolver(#"{"feature_value": "sketch"}"#) }
        let problems = try Self.resolver(#"{"sketch_relative_accuracy": 1.5}"#).validate()
        #expect(problems.map(\.keyPath) == ["models.fraud.privacy.sketch_relative_accuracy"])
    }

    @Test("Hashed request ids are keyed, 32 hex digits, and the same for a prediction and its label")
    func hashing() throws {
        var traffic = SyntheticTraffic(seed: 7)
        let batch = traffic.batch(50, withRequestIDs: true)
        let labels = traffic.labels()
        let resolver = try Self.resolver(#"{"request_ids": "hash"}"#)
        let filter = try PrivacyFilter(resolver: resolver, key: Self.key)
        let hashed = Self.requestIDs(filter.apply(batch))
        let raw = Self.requestIDs(batch)
        #expect(hashed.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        #expect(Set(hashed).isDisjoint(with: raw))
        #expect(Set(hashed).count == 50)
        let hashedLabels = try #require(filter.apply(labels)).labels.map(\.requestID)
        #expect(hashedLabels == hashed)
        var otherKey = Self.key
        otherKey[0] = UInt8(ascii: "x")
        let other = try PrivacyFilter(resolver: resolver, key: otherKey)
        #expect(Set(Self.requestIDs(other.apply(batch))).isDisjoint(with: hashed))
        // Values, categories and the rest of the batch are untouched.
        #expect(filter.apply(batch).numericValues.elementsEqual(batch.numericValues) { $0.bitPattern == $1.bitPattern })
        #expect(filter.apply(batch).categoricalIndices == batch.categoricalIndices)
        #expect(filter.apply(batch).timestamps == batch.timestamps)
    }

    @Test("Dropping request ids removes them from events and withholds labels")
    func dropping() throws {
        var traffic = SyntheticTraffic(seed: 8)
        let batch = traffic.batch(20, withRequestIDs: true)
        let filter = try PrivacyFilter(resolver: try Self.resolver(#"{"request_ids": "drop"}"#), key: nil)
        let kept = filter.apply(batch)
        #expect(kept.requestIDBytes.isEmpty)
        #expect(kept.count == 20)
        #expect(filter.apply(traffic.labels()) == nil)
        // Another model keeps its ids.
        traffic.model = "ranker"
        let other = traffic.batch(5, withRequestIDs: true)
        #expect(Self.requestIDs(filter.apply(other)) == Self.requestIDs(other))
    }

    @Test("Sketch mode keeps numeric values only to the bucket's relative accuracy")
    func sketch() throws {
        var traffic = SyntheticTraffic(seed: 9)
        let batch = traffic.batch(500)
        let filter = try PrivacyFilter(
            resolver: try Self.resolver(#"{"feature_values": "sketch", "sketch_relative_accuracy": 0.02}"#),
            key: nil
        )
        let kept = filter.apply(batch)
        let quantizer = try RelativeAccuracyQuantizer(relativeAccuracy: 0.02)
        var changed = 0
        for (raw, stored) in zip(batch.numericValues, kept.numericValues) {
            if raw.isNaN {
                #expect(stored.isNaN)
                continue
            }
            #expect(abs(stored - raw) <= 0.02 * abs(raw) + 1e-9)
            #expect(quantizer.quantize(stored) == stored, "a stored value is its own bucket representative")
            if stored != raw { changed += 1 }
        }
        #expect(changed > batch.numericValues.count * 9 / 10)
        #expect(kept.latencies == batch.latencies)
        #expect(kept.categoricalIndices == batch.categoricalIndices)
    }

    @Test("With hashed ids and sketch values, labels join exactly as often as without")
    func joinsSurvive() throws {
        var json = MonitorConfiguration()
        json.privacy.requestIDs = .hash
        json.privacy.featureValues = .sketch
        let privateResolver = ConfigurationResolver(defaults: json)
        let filter = try PrivacyFilter(resolver: privateResolver, key: Self.key)
        var plain = MonitorEngine()
        var filtered = MonitorEngine(resolver: privateResolver)
        var traffic = SyntheticTraffic(seed: 10)
        for _ in 0..<10 {
            let batch = traffic.batch(300, withRequestIDs: true)
            let labels = traffic.labels()
            _ = plain.ingest(batch)
            _ = plain.ingest(labels)
            _ = filtered.ingest(filter.apply(batch))
            _ = filtered.ingest(try #require(filter.apply(labels)))
        }
        let expected = try #require(plain.snapshot(model: "fraud", version: "1"))
        let actual = try #require(filtered.snapshot(model: "fraud", version: "1"))
        #expect(expected.labelsJoined == 3000)
        #expect(actual.labelsJoined == expected.labelsJoined)
        #expect(actual.accuracy == expected.accuracy)
    }
}
