import DriftProtocol
import Foundation
import Testing

@testable import DriftEngine

@Suite("Configuration")
struct ConfigurationTests {
    @Test(
        "Glob patterns",
        arguments: [
            ("fraud-*", "fraud-eu", true),
            ("fraud-*", "fraud-", true),
            ("fraud-*", "fraud", false),
            ("f?aud", "fraud", true),
            ("f?aud", "fraaud", false),
            ("model-[abc]", "model-b", true),
            ("model-[abc]", "model-d", false),
            ("model-[a-c]1", "model-c1", true),
            ("model-[!a-c]", "model-d", true),
            ("model-[!a-c]", "model-a", false),
            ("*-v[0-9]*", "ranker-v2-canary", true),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("[oops", "[oops", true),
        ]
    )
    func glob(pattern: String, name: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(name) == expected)
    }

    @Test("Resolution precedence: exact name over first matching pattern over defaults")
    func precedence() {
        var defaults = MonitorConfiguration()
        defaults.currentWindowEvents = 111
        var fraud = MonitorConfiguration()
        fraud.currentWindowEvents = 222
        var anyV2 = MonitorConfiguration()
        anyV2.currentWindowEvents = 333
        var exact = MonitorConfiguration()
        exact.currentWindowEvents = 444
        let resolver = ConfigurationResolver(
            defaults: defaults,
            patterns: [.init("fraud-*", fraud), .init("*-v2", anyV2)],
            models: ["fraud-eu": exact]
        )
        #expect(resolver.configuration(forModel: "fraud-eu").currentWindowEvents == 444)
        #expect(resolver.configuration(forModel: "fraud-us").currentWindowEvents == 222)
        #expect(resolver.configuration(forModel: "fraud-v2").currentWindowEvents == 222)
        #expect(resolver.configuration(forModel: "ranker-v2").currentWindowEvents == 333)
        #expect(resolver.configuration(forModel: "ranker").currentWindowEvents == 111)
    }

    @Test("Layered decoding: patterns on defaults, models on their pattern, features merged")
    func layeredDecoding() throws {
        let json = """
            {
              "defaults": {"current_window_events": 2000, "alerts": {"for": "1m"}},
              "patterns": [{"match": "fraud-*", "data_drift": {"p_value": 0.001}, "features": {"amount": {"test": "psi"}}}],
              "models": {"fraud-eu": {"alerts": {"keep_firing_for": "90s"}, "features": {"amount": {"p_value": 0.2}}}},
              "limits": {"max_models": 7}
            }
            """
        let resolver = try JSONDecoder().decode(ConfigurationResolver.self, from: Data(json.utf8))
        let eu = resolver.configuration(forModel: "fraud-eu")
        #expect(eu.currentWindowEvents == 2000)
        #expect(eu.dataDrift.pValue == 0.001)
        #expect(eu.lifecycle.forNanoseconds == 60_000_000_000)
        #expect(eu.lifecycle.keepFiringForNanoseconds == 90_000_000_000)
        #expect(eu.features["amount"]?.test == .psi)
        #expect(eu.features["amount"]?.pValue == 0.2)
        let other = resolver.configuration(forModel: "ranker")
        #expect(other.dataDrift.pValue == MonitorConfiguration().dataDrift.pValue)
        #expect(other.lifecycle.forNanoseconds == 60_000_000_000)
        #expect(resolver.limits.maxModels == 7)
        #expect(resolver.limits.maxFeaturesPerModel == EngineLimits().maxFeaturesPerModel)
    }

    @Test("Unknown keys are rejected with their path")
    func unknownKey() {
        let json = #"{"defaults": {"data_drift": {"p_valeu": 0.1}}}"#
        do {
            _ = try JSONDecoder().decode(ConfigurationResolver.self, from: Data(json.utf8))
            Issue.record("decoding should fail")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.codingPath.map(\.stringValue) == ["defaults", "data_drift", "p_valeu"])
            #expect(context.debugDescription.hasPrefix("unknown key 'p_valeu'"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("Durations parse and format")
    func durations() {
        #expect(ConfigurationDuration.parse("30s") == 30_000_000_000)
        #expect(ConfigurationDuration.parse("250ms") == 250_000_000)
        #expect(ConfigurationDuration.parse("5m") == 300_000_000_000)
        #expect(ConfigurationDuration.parse("1.5h") == 5_400_000_000_000)
        #expect(ConfigurationDuration.parse("12") == 12)
        #expect(ConfigurationDuration.parse("-3s") == nil)
        #expect(ConfigurationDuration.parse("soon") == nil)
        #expect(ConfigurationDuration.format(30_000_000_000) == "30s")
        #expect(ConfigurationDuration.format(1_500_000_000) == "1500ms")
        #expect(ConfigurationDuration.format(7) == "7ns")
    }

    @Test("Round trip through JSON keeps every value")
    func roundTrip() throws {
        var configuration = MonitorConfiguration()
        configuration.reference = .laggedWindow(lagEvents: 4000, sizeEvents: 900)
        configuration.accuracy.metric = .f1
        configuration.accuracy.positiveClass = "fraud"
        configuration.features["age"] = FeatureOverride()
        configuration.features["age"]?.disabled = true
        configuration.lifecycle.severityOverrides["latency"] = .critical
        let resolver = ConfigurationResolver(defaults: configuration, patterns: [.init("x*", configuration)])
        let data = try JSONEncoder().encode(resolver)
        let decoded = try JSONDecoder().decode(ConfigurationResolver.self, from: data)
        #expect(decoded == resolver)
    }

    @Test("Defaults are valid")
    func defaultsValid() {
        #expect(MonitorConfiguration().validate().isEmpty)
        #expect(ConfigurationResolver().validate().isEmpty)
    }

    @Test("validate() names the key path and what was expected")
    func validationMessages() {
        var configuration = MonitorConfiguration()
        configuration.dataDrift.pValue = 1.5
        configuration.dataDrift.numericTest = .chiSquare
        configuration.errorRate.criticalRate = 0.01
        configuration.accuracy.metric = .recall
        configuration.reference = .laggedWindow(lagEvents: 10, sizeEvents: 100)
        configuration.lifecycle.severityOverrides["latncy"] = .critical
        var override = FeatureOverride()
        override.pValue = 0
        configuration.features["age"] = override
        let messages = configuration.validate().map(\.description)
        #expect(
            messages == [
                "reference.lag_events must be at least current_window_events (1000)",
                "data_drift.numeric_test must be one of ks, psi, wasserstein, jensen_shannon",
                "data_drift.p_value must be in (0, 1)",
                "error_rate.critical_rate must be at least error_rate.warning_rate",
                "accuracy.positive_class must be set for metric recall",
                "alerts.severity.latncy is not an alert kind (expected one of accuracy_drop, anomaly, custom_metric, data_drift, error_rate, latency, prediction_drift, traffic)",
                "features.age.p_value must be in (0, 1)",
            ]
        )
        let resolver = ConfigurationResolver(models: ["m": configuration])
        #expect(
            resolver.validate().first?.description
                == "models.m.reference.lag_events must be at least current_window_events (1000)"
        )
    }

    @Test("Feature overrides: exact name first, then the most specific glob")
    func featureOverrides() {
        var configuration = MonitorConfiguration()
        var a = FeatureOverride()
        a.test = .psi
        var b = FeatureOverride()
        b.test = .wasserstein
        var c = FeatureOverride()
        c.disabled = true
        configuration.features = ["emb_*": a, "emb_1?": b, "emb_10": c]
        #expect(configuration.featureOverride(for: "emb_10")?.disabled == true)
        #expect(configuration.featureOverride(for: "emb_11")?.test == .wasserstein)
        #expect(configuration.featureOverride(for: "emb_2")?.test == .psi)
        #expect(configuration.featureOverride(for: "age") == nil)
    }
}
