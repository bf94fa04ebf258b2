import Foundation
import TestSupport
import Testing

/// Model versions as a rollout sees them: the incumbent and a canary sending to one collector, each with its own
/// state and reference, and the canary judged against the incumbent through the API.
@Suite("Model versions", .serialized)
struct VersionComparisonTests {
    @Test("A canary with a shifted feature and more errors is told apart from the incumbent; the API shows both")
    func canaryAgainstIncumbent() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(fastConfiguration, name: "collector.yaml", in: directory)
        let collector = try CollectorProcess(["--config", config])
        defer { _ = try? collector.stop() }

        let incumbent = try simulate(
            to: collector.ingestEndpoint,
            ["--model-version", "v1", "--rate", "500", "--duration", "20", "--seed", "1"]
        )
        #expect(incumbent.status == 0, "\(incumbent.standardError)")
        let canary = try simulate(
            to: collector.ingestEndpoint,
            [
                "--model-version", "v2", "--rate", "100", "--duration", "20", "--seed", "2",
                "--incident", "feature_drift@0+20:amount*1", "--incident", "error_spike@0+20*0.1",
            ]
        )
        #expect(canary.status == 0, "\(canary.standardError)")
        #expect(
            try await eventually {
                let detail = try jsonObject(try await collector.get("/api/v1/models/fraud-detector").body)
                return (detail["versions"] as? [[String: Any]])?.count == 2
            }
        )
        // Each version has its own state: v2 started fresh, with its own (shifted) reference, so it does not
        // drift against itself.
        let detail = try jsonObject(try await collector.get("/api/v1/models/fraud-detector").body)
        let versions = try #require(detail["versions"] as? [[String: Any]])
        #expect(versions.compactMap { $0["version"] as? String } == ["v1", "v2"])
        #expect(versions.compactMap { $0["events_seen"] as? Int }.allSatisfy { $0 >= 1_900 })

        // Defaults: the incumbent is the version with the most events, the candidate the newest other one.
        let answer = try await collector.get("/api/v1/models/fraud-detector/compare")
        #expect(answer.status == 200, "\(answer.body)")
        let comparison = try jsonObject(answer.body)
        #expect((comparison["incumbent"] as? [String: Any])?["version"] as? String == "v1")
        #expect((comparison["candidate"] as? [String: Any])?["version"] as? String == "v2")
        let features = try #require(comparison["features"] as? [[String: Any]])
        #expect(features.count == 8)
        let differing = features.filter { $0["differs"] as? Bool == true }.compactMap { $0["feature"] as? String }
        #expect(differing == ["amount"], "\(features)")
        let amount = try #require(features.first { $0["feature"] as? String == "amount" })
        #expect((amount["candidate_mean"] as? Double ?? 0) > (amount["incumbent_mean"] as? Double ?? 0))
        let errors = try #require(comparison["error_rate"] as? [String: Any])
        #expect(errors["worse"] as? Bool == true)
        #expect((errors["candidate"] as? Double ?? 0) > 0.05)

        // Explicit versions, and errors for unknown ones.
        let reversed = try jsonObject(
            try await collector.get("/api/v1/models/fraud-detector/compare?incumbent=v2&candidate=v1").body
        )
        #expect((reversed["error_rate"] as? [String: Any])?["worse"] as? Bool == false)
        #expect(try await collector.get("/api/v1/models/fraud-detector/compare?candidate=v9").status == 404)
        #expect(try await collector.get("/api/v1/models/nobody/compare").status == 404)
    }
}
