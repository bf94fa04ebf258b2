import DriftCollector
import Testing

/// The `retrain` section as a user writes it in YAML: problems located by line, column and key.
@Suite("Trigger configuration file")
struct TriggerConfigurationTests {
    @Test("A bad retrain section names the file, line, column and key of every problem")
    func locatedProblems() throws {
        let text = """
            defaults:
              retrain:
                enabled: true
                max_per_day: 0
                kinds: [data_drift, drift]
            """
        #expect(throws: ConfigurationFileError.self) { try ConfigurationFile.parse(text, file: "c.yaml") }
        do {
            _ = try ConfigurationFile.parse(text, file: "c.yaml")
        } catch {
            let located = error.problems.map { "\($0.line ?? 0):\($0.column ?? 0) \($0.keyPath)" }
            #expect(Set(located) == ["4:5 defaults.retrain.max_per_day", "5:5 defaults.retrain.kinds"])
        }
        let typo = "models:\n  fraud:\n    retrain: {cooldwn: 1h}\n"
        do {
            _ = try ConfigurationFile.parse(typo, file: "c.yaml")
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.problems.map(\.keyPath) == ["models.fraud.retrain.cooldwn"])
            #expect(error.problems.first?.line == 3)
        }
        let resolver = try ConfigurationFile.parse(
            "defaults:\n  retrain: {enabled: true, cooldown: 30m}\nmodels:\n  fraud: {retrain: {max_per_day: 1}}\n",
            file: "c.yaml"
        )
        #expect(resolver.configuration(forModel: "fraud").retrain.cooldownNanoseconds == 1_800_000_000_000)
        #expect(resolver.configuration(forModel: "fraud").retrain.maxPerDay == 1)
        #expect(resolver.configuration(forModel: "other").retrain.maxPerDay == 4)
    }
}
