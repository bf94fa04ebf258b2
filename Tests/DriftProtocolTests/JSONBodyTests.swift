import DriftProtocol
import Foundation
import Testing

@Suite("Alert and trigger JSON bodies")
struct JSONBodyTests {
    static let evidence = AlertEvidence(
        statistic: "ks",
        value: 0.31,
        pValue: 0.000_125,
        threshold: 0.2,
        reference: WindowSummary(
            size: 10_000,
            range: TimeRange(start: 1_690_000_000_000_000_000, end: 1_690_086_400_000_000_000)
        ),
        current: WindowSummary(
            size: 5_000,
            range: TimeRange(start: 1_700_000_000_000_000_000, end: 1_700_000_300_000_000_000)
        ),
        topFeatures: [FeatureScore(feature: "amount", value: 0.31), FeatureScore(feature: "age", value: 0.12)]
    )

    static let alert = Alert(
        id: "5f3c9a1e0b7d4c22",
        model: "fraud",
        modelVersion: "v3",
        kind: .dataDrift,
        feature: "amount",
        state: .firing,
        severity: .critical,
        startedAt: 1_700_000_000_000_000_000,
        updatedAt: 1_700_000_300_000_000_000,
        summary: "amount drifted: KS 0.31 > 0.2 over 5000 events",
        evidence: evidence
    )

    static let trigger: RetrainTrigger = {
        var evidence = JSONBodyTests.evidence
        evidence.statistic = "psi"
        evidence.value = 0.27
        evidence.pValue = nil
        evidence.threshold = 0.25
        evidence.topFeatures = []
        return RetrainTrigger(
            id: "fraud-v3-20231114T222000Z",
            model: "fraud",
            modelVersion: "v3",
            reason: "data drift on amount has been firing for 15 minutes",
            createdAt: 1_700_000_900_000_000_000,
            evidence: evidence,
            alertIDs: ["5f3c9a1e0b7d4c22"],
            dataWindow: TimeRange(start: 1_699_913_600_000_000_000, end: 1_700_000_900_000_000_000)
        )
    }()

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    @Test("The golden alert decodes to the expected value")
    func goldenAlert() throws {
        let decoded = try JSONBody.decode(Alert.self, from: try Self.fixture("alert"))
        #expect(decoded == Self.alert)
        #expect(decoded.resolvedAt == nil)
        #expect(decoded.evidence.topFeatures.map(\.feature) == ["amount", "age"])
    }

    @Test("The golden trigger decodes to the expected value")
    func goldenTrigger() throws {
        let decoded = try JSONBody.decode(RetrainTrigger.self, from: try Self.fixture("trigger"))
        #expect(decoded == Self.trigger)
        #expect(decoded.evidence.pValue == nil)
    }

    @Test("Canonical encoding is sorted, compact and uses the documented field names")
    func canonicalEncoding() throws {
        var resolved = Self.alert
        resolved.state = .resolved
        resolved.resolvedAt = 1_700_000_600_000_000_000
        resolved.feature = nil
        resolved.evidence.topFeatures = [FeatureScore(feature: "amount", value: 0.5)]
        let text = String(decoding: try JSONBody.encode(resolved), as: UTF8.self)
        #expect(
            text
                == #"{"evidence":{"current":{"range":{"end_ns":1700000300000000000,"start_ns":1700000000000000000},"#
                + #""size":5000},"p_value":0.000125,"reference":{"range":{"end_ns":1690086400000000000,"#
                + #""start_ns":1690000000000000000},"size":10000},"statistic":"ks","threshold":0.2,"#
                + #""top_features":[{"feature":"amount","value":0.5}],"value":0.31},"id":"5f3c9a1e0b7d4c22","#
                + #""kind":"data_drift","model":"fraud","model_version":"v3","resolved_at_ns":1700000600000000000,"#
                + #""severity":"critical","started_at_ns":1700000000000000000,"state":"resolved","#
                + #""summary":"amount drifted: KS 0.31 > 0.2 over 5000 events","updated_at_ns":1700000300000000000}"#
        )
    }

    @Test("Alerts and triggers round-trip through canonical JSON", arguments: AlertKind.allCases)
    func roundTrip(kind: AlertKind) throws {
        var alert = Self.alert
        alert.kind = kind
        #expect(try JSONBody.decode(Alert.self, from: try JSONBody.encode(alert)) == alert)
        #expect(try JSONBody.decode(RetrainTrigger.self, from: try JSONBody.encode(Self.trigger)) == Self.trigger)
    }

    @Test("Bad JSON and unknown enumeration values are typed errors")
    func badJSON() throws {
        let text = String(decoding: try Self.fixture("alert"), as: UTF8.self)
        let unknownKind = Array(text.replacingOccurrences(of: "data_drift", with: "weather").utf8)
        #expect(throws: ProtocolError.self) { try JSONBody.decode(Alert.self, from: unknownKind) }
        do {
            _ = try JSONBody.decode(Alert.self, from: Array("{".utf8))
            Issue.record("decoding a truncated body succeeded")
        } catch {
            #expect(error.code == "invalid_json")
        }
        var infinite = Self.alert
        infinite.evidence.value = .infinity
        #expect(throws: ProtocolError.self) { try JSONBody.encode(infinite) }
    }
}
