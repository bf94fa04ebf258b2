import DriftProtocol
import Foundation
import Testing

@testable import DriftEngine

/// The `retrain` policy section and the pure trigger evaluator: time is injected, so every rule is checked exactly.
@Suite("Trigger policy")
struct TriggerPolicyTests {
    static let second: Int64 = 1_000_000_000
    static let t0: Int64 = 1_700_000_000 * 1_000_000_000

    static func resolver(_ retrain: String, patterns: String = "") throws -> ConfigurationResolver {
        let json = "{\"defaults\": {\"retrain\": \(retrain)}\(patterns)}"
        return try JSONDecoder().decode(ConfigurationResolver.self, from: Data(json.utf8))
    }

    static func alert(
        model: String = "fraud",
        version: String = "v1",
        kind: AlertKind = .dataDrift,
        feature: String? = "amount",
        severity: AlertSeverity = .warning,
        value: Double = 0.3,
        at time: Int64
    ) -> Alert {
        Alert(
            id: alertFingerprint(model: model, version: version, kind: kind.rawValue, feature: feature),
            model: model,
            modelVersion: version,
            kind: kind,
            feature: feature,
            state: .firing,
            severity: severity,
            startedAt: time - 2 * second,
            updatedAt: time,
            summary: "test",
            evidence: AlertEvidence(
                statistic: "ks",
                value: value,
                pValue: 0.0001,
                threshold: 0.01,
                reference: WindowSummary(size: 1000, range: TimeRange(start: t0 - 100 * second, end: t0 - 90 * second)),
                current: WindowSummary(size: 500, range: TimeRange(start: time - 10 * second, end: time))
            )
        )
    }

    static func fired(_ decisions: [TriggerDecision]) -> [RetrainTrigger] {
        decisions.compactMap { if case .fire(let trigger) = $0 { trigger } else { nil } }
    }

    static func resolved(_ alert: Alert, at time: Int64) -> AlertNotification {
        var body = alert
        body.state = .resolved
        body.resolvedAt = time
        body.updatedAt = time
        return AlertNotification(change: .resolved, alert: body)
    }

    @Test("The section decodes layered on the defaults, encodes back, and is off unless enabled")
    func decoding() throws {
        #expect(MonitorConfiguration().retrain.enabled == false)
        let resolver = try Self.resolver(
            "{\"enabled\": true, \"cooldown\": \"30m\", \"max_per_day\": 2, \"kinds\": [\"data_drift\", \"error_rate\"]}",
            patterns: ", \"models\": {\"ranker\": {\"retrain\": {\"min_drifted_features\": 3}}}"
        )
        let ranker = resolver.configuration(forModel: "ranker").retrain
        #expect(ranker.enabled)
        #expect(ranker.cooldownNanoseconds == 1800 * Self.second)
        #expect(ranker.maxPerDay == 2)
        #expect(ranker.minDriftedFeatures == 3)
        #expect(ranker.kinds == ["data_drift", "error_rate"])
        let again = try JSONDecoder().decode(ConfigurationResolver.self, from: try JSONEncoder().encode(resolver))
        #expect(again == resolver)
        #expect(throws: DecodingError.self) { try Self.resolver("{\"cooldwn\": \"1h\"}") }
    }

    @Test("Validation names every bad key")
    func validation() throws {
        let resolver = try Self.resolver(
            "{\"kinds\": [\"data_drift\", \"drift\"], \"min_drifted_features\": 0, \"min_error_rate\": 2, "
                + "\"min_accuracy_drop\": -1, \"max_per_day\": 0}"
        )
        let problems = Set(resolver.validate().map(\.keyPath))
        #expect(
            problems
                == [
                    "defaults.retrain.kinds", "defaults.retrain.min_drifted_features",
                    "defaults.retrain.min_error_rate",
                    "defaults.retrain.min_accuracy_drop", "defaults.retrain.max_per_day",
                ]
        )
    }

    @Test("A firing drift alert becomes one trigger with its evidence, alert ids and data window; once per episode")
    func firesOncePerEpisode() throws {
        let resolver = try Self.resolver("{\"enabled\": true, \"cooldown\": 0, \"max_per_day\": 10}")
        var evaluator = TriggerEvaluator()
        let amount = Self.alert(value: 0.4, at: Self.t0)
        evaluator.observe([AlertNotification(change: .firing, alert: amount)])
        let first = Self.fired(evaluator.evaluate(at: Self.t0, resolver: resolver))
        #expect(first.count == 1)
        let trigger = try #require(first.first)
        #expect(trigger.model == "fraud" && trigger.modelVersion == "v1")
        #expect(trigger.alertIDs == [amount.id])
        #expect(trigger.evidence.statistic == "ks" && trigger.evidence.pValue == 0.0001)
        #expect(trigger.evidence.topFeatures == [FeatureScore(feature: "amount", value: 0.4)])
        #expect(trigger.dataWindow == TimeRange(start: Self.t0 - 10 * Self.second, end: Self.t0))
        #expect(trigger.reason.contains("amount"))
        #expect(trigger.source == "policy")
        // Still firing, repeated: the same episode never triggers twice, even without a cooldown.
        evaluator.observe([AlertNotification(change: .repeated, alert: amount)])
        #expect(Self.fired(evaluator.evaluate(at: Self.t0 + 60 * Self.second, resolver: resolver)).isEmpty)
        // Resolved, then firing again: a new episode, a new trigger with another id.
        evaluator.observe([Self.resolved(amount, at: Self.t0 + 70 * Self.second)])
        evaluator.observe([AlertNotification(change: .firing, alert: Self.alert(at: Self.t0 + 80 * Self.second))])
        let second = Self.fired(evaluator.evaluate(at: Self.t0 + 80 * Self.second, resolver: resolver))
        #expect(second.count == 1)
        #expect(second.first?.id != trigger.id)
    }

    @Test("Trigger ids are stable: the same episode decided again from the same state has the same id")
    func stableIDs() throws {
        let resolver = try Self.resolver("{\"enabled\": true}")
        var a = TriggerEvaluator()
        a.observe([AlertNotification(change: .firing, alert: Self.alert(at: Self.t0))])
        let saved = try JSONEncoder().encode(a)
        let first = Self.fired(a.evaluate(at: Self.t0 + Self.second, resolver: resolver))
        var b = try JSONDecoder().decode(TriggerEvaluator.self, from: saved)
        let again = Self.fired(b.evaluate(at: Self.t0 + 5 * Self.second, resolver: resolver))
        #expect(first.count == 1)
        #expect(first.map(\.id) == again.map(\.id))
        // And the evaluator that fired remembers it after a save and restore: no second trigger.
        var restored = try JSONDecoder().decode(TriggerEvaluator.self, from: try JSONEncoder().encode(a))
        #expect(restored == a)
        #expect(Self.fired(restored.evaluate(at: Self.t0 + 9 * Self.second, resolver: resolver)).isEmpty)
    }

    @Test("Kinds, severity, firing_for and the evidence bars decide which alerts count")
    func qualification() throws {
        let resolver = try Self.resolver(
            "{\"enabled\": true, \"kinds\": [\"data_drift\", \"error_rate\"], \"min_severity\": \"critical\", "
                + "\"firing_for\": \"10s\", \"min_drifted_features\": 2, \"min_error_rate\": 0.2}"
        )
        var evaluator = TriggerEvaluator()
        evaluator.observe([
            AlertNotification(change: .firing, alert: Self.alert(severity: .critical, at: Self.t0)),
            AlertNotification(
                change: .firing,
                alert: Self.alert(kind: .latency, feature: nil, severity: .critical, at: Self.t0)
            ),
            AlertNotification(change: .firing, alert: Self.alert(feature: "age", severity: .warning, at: Self.t0)),
            AlertNotification(
                change: .firing,
                alert: Self.alert(kind: .errorRate, feature: nil, severity: .critical, value: 0.1, at: Self.t0)
            ),
        ])
        // One critical drifted feature (age is only a warning), an error rate below 0.2, latency not listed.
        #expect(Self.fired(evaluator.evaluate(at: Self.t0 + 20 * Self.second, resolver: resolver)).isEmpty)
        // A second critical feature: still not before it has fired for 10 s.
        let distance = Self.alert(feature: "distance", severity: .critical, at: Self.t0 + 21 * Self.second)
        evaluator.observe([AlertNotification(change: .firing, alert: distance)])
        #expect(Self.fired(evaluator.evaluate(at: Self.t0 + 30 * Self.second, resolver: resolver)).isEmpty)
        let fired = Self.fired(evaluator.evaluate(at: Self.t0 + 31 * Self.second, resolver: resolver))
        #expect(fired.count == 1)
        #expect(Set(fired.first?.alertIDs ?? []) == [Self.alert(at: 0).id, distance.id])
        #expect(fired.first?.reason.contains("2 features drifted (amount, distance)") == true)
    }

    @Test("Cooldown and the daily limit hold back triggers, report it once, and let them through when they allow")
    func limits() throws {
        let resolver = try Self.resolver("{\"enabled\": true, \"cooldown\": \"1h\", \"max_per_day\": 2}")
        var evaluator = TriggerEvaluator()
        var created: [Int64] = []
        var suppressions: [TriggerDecision.Suppression] = []
        // A new drift episode every 10 minutes for two days of event time.
        for step in 0..<288 {
            let time = Self.t0 + Int64(step) * 600 * Self.second
            let feature = "f\(step)"
            evaluator.observe([AlertNotification(change: .firing, alert: Self.alert(feature: feature, at: time))])
            for decision in evaluator.evaluate(at: time, resolver: resolver) {
                switch decision {
                case .fire(let trigger): created.append(trigger.createdAt)
                case .suppressed(_, _, let reason): suppressions.append(reason)
                }
            }
            evaluator.observe([Self.resolved(Self.alert(feature: feature, at: time), at: time + 300 * Self.second)])
        }
        // Two a day, at least an hour apart, in every 24 hours.
        #expect(created.count == 4)
        for (a, b) in zip(created, created.dropFirst()) { #expect(b - a >= 3600 * Self.second) }
        for time in created {
            #expect(created.filter { $0 > time - TriggerEvaluator.day && $0 <= time }.count <= 2)
        }
        #expect(suppressions.contains(.cooldown))
        #expect(suppressions.contains(.dailyLimit))
    }

    @Test("Each model version has its own limits; disabled models never trigger")
    func perModelVersion() throws {
        let resolver = try Self.resolver(
            "{\"enabled\": true, \"cooldown\": \"1h\"}",
            patterns: ", \"models\": {\"quiet\": {\"retrain\": {\"enabled\": false}}}"
        )
        var evaluator = TriggerEvaluator()
        evaluator.observe([
            AlertNotification(change: .firing, alert: Self.alert(version: "v1", at: Self.t0)),
            AlertNotification(change: .firing, alert: Self.alert(version: "v2", at: Self.t0)),
            AlertNotification(change: .firing, alert: Self.alert(model: "quiet", at: Self.t0)),
        ])
        let fired = Self.fired(evaluator.evaluate(at: Self.t0, resolver: resolver))
        #expect(fired.map(\.modelVersion) == ["v1", "v2"])
        #expect(Set(fired.map(\.id)).count == 2)
    }

    @Test("A manual trigger carries the firing alerts' evidence, ignores the limits and starts a cooldown")
    func manual() throws {
        let resolver = try Self.resolver("{\"enabled\": true, \"cooldown\": \"1h\", \"max_per_day\": 1}")
        var evaluator = TriggerEvaluator()
        let amount = Self.alert(at: Self.t0)
        evaluator.observe([AlertNotification(change: .firing, alert: amount)])
        _ = evaluator.evaluate(at: Self.t0, resolver: resolver)
        let manual = evaluator.manualTrigger(
            id: "man-1",
            model: "fraud",
            version: "v1",
            reason: "new labels arrived",
            at: Self.t0 + Self.second,
            resolver: resolver,
            snapshot: nil
        )
        #expect(manual.id == "man-1" && manual.source == "manual" && manual.reason == "new labels arrived")
        #expect(manual.alertIDs == [amount.id])
        evaluator.recordManual(manual)
        evaluator.observe([
            AlertNotification(change: .firing, alert: Self.alert(feature: "age", at: Self.t0 + 2 * Self.second))
        ])
        // max_per_day 1 was used by the policy trigger; the manual one counted too; nothing more today.
        #expect(Self.fired(evaluator.evaluate(at: Self.t0 + 2 * 3600 * Self.second, resolver: resolver)).isEmpty)
    }
}
