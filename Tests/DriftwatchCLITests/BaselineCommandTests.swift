import DriftEngine
import Foundation
import TestSupport
import Testing

@Suite("driftwatch baseline")
struct BaselineCommandTests {
    @Test("CSV training data becomes a baseline that a configuration can reference")
    func csvBaselineUsedByConfiguration() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var csv = "id,amount,country,score,truth\n"
        for index in 0..<2000 {
            let country = ["DE", "FR", "US", "\"Côte d'Ivoire, CI\""][index % 4]
            let amount = index % 10 == 0 ? "" : String(Double(index % 100) + 0.5)
            csv += "\(index),\(amount),\(country),\(Double(index % 7) / 7),\(index % 2)\n"
        }
        let input = directory.appendingPathComponent("train.csv")
        try csv.write(to: input, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("baseline.json")

        let result = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["baseline", input.path, "-o", output.path, "--prediction", "score", "--ignore", "id", "truth"]
        )
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("numeric [amount], categorical [country], prediction score"))

        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+Inf",
            negativeInfinity: "-Inf",
            nan: "NaN"
        )
        let baseline = try decoder.decode(Baseline.self, from: Data(contentsOf: output))
        #expect(baseline.eventCount == 2000)
        let amount = try #require(baseline.numericFeatures["amount"])
        #expect(amount.missingCount == 200)
        #expect(amount.count == 1800)
        #expect(amount.sortedSample.count == 1000)
        #expect(amount.sortedSample == amount.sortedSample.sorted())
        #expect(abs(amount.mean - 50.0) < 1.0)
        let country = try #require(baseline.categoricalFeatures["country"])
        #expect(Set(country.categories) == ["DE", "FR", "US", "Côte d'Ivoire, CI"])

        let config = directory.appendingPathComponent("collector.yaml")
        try """
        models:
          fraud:
            reference:
              policy: baseline_file
              path: baseline.json
        """.write(to: config, atomically: true, encoding: .utf8)
        let check = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["config", "check", config.path])
        #expect(check.status == 0, "\(check.standardError)")

        try """
        models:
          fraud:
            reference:
              policy: baseline_file
              path: missing.json
        """.write(to: config, atomically: true, encoding: .utf8)
        let broken = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["config", "check", config.path])
        #expect(broken.status == 1)
        #expect(broken.standardError.contains("collector.yaml:5:7: models.fraud.reference.path: cannot load baseline"))
    }

    @Test("NDJSON training data with nulls, class-label predictions and a bad line")
    func ndjsonBaseline() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines: [String] = []
        for index in 0..<500 {
            let tenure = index % 5 == 0 ? "null" : "\(index % 50)"
            let label = index % 3 == 0 ? "churn" : "stay"
            lines.append("{\"tenure\": \(tenure), \"plan\": \"p\(index % 3)\", \"predicted\": \"\(label)\"}")
        }
        let input = directory.appendingPathComponent("train.ndjson")
        try lines.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("baseline.json")
        let result = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["baseline", input.path, "--output", output.path, "--prediction", "predicted"]
        )
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("numeric [tenure], categorical [plan], prediction predicted"))

        try (lines + ["{\"tenure\": [1, 2]}"]).joined(separator: "\n").write(
            to: input,
            atomically: true,
            encoding: .utf8
        )
        let bad = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["baseline", input.path, "--output", output.path, "--force"]
        )
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("train.ndjson:501: 'tenure' must be a number, a string or null."))
    }
}
