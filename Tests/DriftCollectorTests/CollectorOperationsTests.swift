import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Operating the collector: restart from a checkpoint, reload on SIGHUP, Prometheus scraping.
@Suite("Collector operations", .serialized)
struct CollectorOperationsTests {
    @Test("SIGTERM checkpoints; a restart resumes windows and references from the SQLite state")
    func restartResumesFromCheckpoint() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(fastConfiguration, name: "collector.yaml", in: directory)
        let state = directory.appendingPathComponent("state.sqlite").path
        let first = try CollectorProcess(["--config", config, "--state", state])
        let run = try simulate(to: first.ingestEndpoint, ["--rate", "500", "--duration", "20", "--seed", "5"])
        #expect(run.status == 0, "\(run.standardError)")
        let sent = try #require(CollectorEndToEndTests.sentEvents(run.standardError))
        #expect(try await eventually { try await Self.model(first)?["events_seen"] as? Int == sent })
        let before = try #require(try await Self.model(first))
        #expect(before["reference_ready"] as? Bool == true)
        let stopped = try first.stop()
        #expect(stopped.status == 0, "\(stopped.standardError)")
        #expect(stopped.standardError.contains("Collector ingest stopped after its final checkpoint"))

        let second = try CollectorProcess(["--config", config, "--state", state])
        defer { _ = try? second.stop() }
        #expect(second.process.waitForOutput(containing: "Engine state restored from checkpoint"))
        let after = try #require(try await Self.model(second))
        #expect(after["events_seen"] as? Int == sent)
        #expect(after["reference_ready"] as? Bool == true)
        #expect(after["version"] as? String == "v1")
    }

    @Test("SIGHUP applies a changed threshold keeping window state; a broken file keeps the old one and is counted")
    func reloadOnSIGHUP() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(fastConfiguration, name: "collector.yaml", in: directory)
        let collector = try CollectorProcess(["--config", config])
        defer { _ = try? collector.stop() }
        let run = try simulate(to: collector.ingestEndpoint, ["--rate", "500", "--duration", "10", "--seed", "9"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try await eventually { try await Self.model(collector)?["events_seen"] as? Int ?? 0 > 4000 })
        let eventsBefore = try await Self.model(collector)?["events_seen"] as? Int
        #expect(try await Self.pValue(collector) == 0.01)

        _ = try writeTemporaryFile(
            fastConfiguration + "\n  data_drift:\n    p_value: 0.05\n",
            name: "collector.yaml",
            in: directory
        )
        collector.process.signal(SIGHUP)
        #expect(try await eventually { try await Self.pValue(collector) == 0.05 })
        let after = try #require(try await Self.model(collector))
        #expect(after["events_seen"] as? Int == eventsBefore)
        #expect(after["reference_ready"] as? Bool == true)
        #expect(
            try await collector.get("/metrics").body.contains("driftwatch_config_reloads_total{result=\"success\"} 1")
        )

        _ = try writeTemporaryFile("defaults:\n  data_drift:\n    p_value: 7\n", name: "collector.yaml", in: directory)
        collector.process.signal(SIGHUP)
        #expect(
            try await eventually {
                try await collector.get("/metrics").body.contains(
                    "driftwatch_config_reloads_total{result=\"failure\"} 1"
                )
            }
        )
        #expect(collector.process.waitForOutput(containing: "Configuration reload failed"))
        #expect(collector.process.standardErrorSoFar.contains("collector.yaml:3:5: defaults.data_drift.p_value"))
        #expect(try await Self.pValue(collector) == 0.05)
        #expect(try await collector.get("/readyz").status == 200)
    }

    /// The value of the series `name` (with its labels, exactly as exposed) in Prometheus text.
    static func sample(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    @Test("/metrics passes promtool check metrics, and a real Prometheus server scrapes it")
    func prometheusScrapes() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeTemporaryFile(fastConfiguration, name: "collector.yaml", in: directory)
        // Checkpoints every second: written in the background while the run goes on, and timed.
        let collector = try CollectorProcess([
            "--config", config, "--state", directory.appendingPathComponent("state.sqlite").path,
            "--checkpoint-interval", "1",
        ])
        defer { _ = try? collector.stop() }
        let run = try simulate(
            to: collector.ingestEndpoint,
            ["--rate", "500", "--duration", "20", "--seed", "2", "--incident", "error_spike@8+8*0.4"]
        )
        #expect(run.status == 0, "\(run.standardError)")

        let expectedSeries = [
            "driftwatch_checkpoints_total{result=\"success\"}", "driftwatch_checkpoint_last_duration_seconds",
            "driftwatch_events_received_total", "driftwatch_feature_drift_p_value{", "driftwatch_model_error_rate{",
            "driftwatch_model_latency_p99_seconds{", "driftwatch_alerts{",
        ]
        var metrics = ""
        // Per-model series come from the engine snapshot, refreshed every tick after the last batch.
        #expect(
            try await eventually {
                metrics = try await collector.get("/metrics").body
                // The run takes well under a second; the first checkpoint comes a second after the start.
                let checkpointed =
                    (Self.sample("driftwatch_checkpoints_total{result=\"success\"}", in: metrics) ?? 0) >= 1
                return expectedSeries.allSatisfy(metrics.contains) && checkpointed
            },
            "missing \(expectedSeries.filter { !metrics.contains($0) })"
        )
        let metricsFile = try writeTemporaryFile(metrics, name: "metrics.txt", in: directory)
        let check = try ChildProcess.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "promtool check metrics < '\(metricsFile)'"]
        )
        #expect(check.status == 0, "promtool: \(check.standardOutput) \(check.standardError)")
        let checkpointLines = metrics.split(separator: "\n").filter { $0.hasPrefix("driftwatch_checkpoint") }
        #expect(
            (Self.sample("driftwatch_checkpoints_total{result=\"success\"}", in: metrics) ?? 0) >= 1,
            "\(checkpointLines)"
        )
        #expect((Self.sample("driftwatch_checkpoint_last_duration_seconds", in: metrics) ?? 0) > 0)

        let port = try freeLoopbackPort()
        let prometheusConfig = try writeTemporaryFile(
            """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: driftwatch
                static_configs:
                  - targets: ["127.0.0.1:\(collector.httpPort)"]
            """,
            name: "prometheus.yml",
            in: directory
        )
        let prometheus = try ChildProcess.start(
            URL(fileURLWithPath: "/usr/bin/prometheus"),
            [
                "--config.file=\(prometheusConfig)", "--storage.tsdb.path=\(directory.path)/tsdb",
                "--web.listen-address=127.0.0.1:\(port)",
            ]
        )
        defer { prometheus.signal(SIGTERM) }
        let query = "/api/v1/query?query=driftwatch_events_received_total"
        var scraped = ""
        #expect(
            try await eventually(timeout: .seconds(60)) {
                guard let url = URL(string: "http://127.0.0.1:\(port)\(query)"),
                    let (data, _) = try? await URLSession.shared.data(from: url)
                else { return false }
                scraped = String(decoding: data, as: UTF8.self)
                return scraped.contains("\"value\"") && scraped.contains("driftwatch")
            },
            "prometheus never returned the series: \(scraped) \(prometheus.standardErrorSoFar.suffix(2000))"
        )
        let sent = try #require(CollectorEndToEndTests.sentEvents(run.standardError))
        #expect(scraped.contains("\"\(sent)\""), "\(scraped)")
    }

    /// The first model version of the API's model list.
    static func model(_ collector: CollectorProcess) async throws -> [String: Any]? {
        let models = try jsonObject(try await collector.get("/api/v1/models").body)["models"] as? [[String: Any]]
        return models?.first
    }

    /// The data-drift p-value threshold in force for fraud-detector.
    static func pValue(_ collector: CollectorProcess) async throws -> Double? {
        let config = try jsonObject(try await collector.get("/api/v1/models/fraud-detector/config").body)
        return (config["data_drift"] as? [String: Any])?["p_value"] as? Double
    }
}
