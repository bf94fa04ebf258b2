import ArgumentParser
import DriftProtocol
import DriftwatchAgentCommand
import Foundation

/// `driftwatch models`: the models one collector or every shard of a sharded deployment monitors.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models the collectors monitor, fanning in across shards.",
        discussion: """
            Reads GET /api/v1/models from --collector (an HTTP base URL; repeatable) or from every shard of a \
            --shards list, and prints one line per model version: the shard it was found on, events seen, drift \
            share, error rate, p99 latency and active alerts. With --shards, a model found on a shard that does \
            not own it (it moved when the list changed and its old state has not expired) is marked "moved". \
            --json prints one JSON object per model version, with a "shard" field. A shard that does not answer \
            is reported on standard error and the others are still listed; the exit status is then 1.
            """
    )

    @Option(
        help: ArgumentHelp(
            "A collector's HTTP base URL, e.g. http://127.0.0.1:7780 or https://collector:7780; repeatable.",
            valueName: "url"
        )
    )
    var collector: [String] = []

    @Option(help: "A shard list (docs/sharding.md): ask every shard that publishes an http URL.")
    var shards: String?

    @Option(
        help: ArgumentHelp(
            "PEM CA certificates to trust for an https:// collector (default: DRIFTWATCH_CA_FILE, else the system's).",
            valueName: "file"
        )
    )
    var caFile: String?

    @Flag(help: "JSON lines instead of a table.")
    var json = false

    func validate() throws {
        guard !collector.isEmpty || shards != nil else {
            throw ValidationError("Give --collector URL (repeatable) or --shards FILE.")
        }
    }

    func run() async throws {
        let map = try shards.map { try ShardsFile.load(path: $0) }
        var sources: [(name: String, url: String)] = collector.map { ($0, $0) }
        for shard in map?.shards ?? [] {
            if let http = shard.http { sources.append((shard.name, http)) }
        }
        var rows: [[String: Any]] = []
        var unreachable = 0
        for source in sources {
            do {
                for var model in try await Self.models(at: source.url, caFile: caFile) {
                    model["shard"] = source.name
                    if let map, let name = model["model"] as? String {
                        model["owned"] = map.owner(of: name).name == source.name
                    }
                    rows.append(model)
                }
            } catch {
                unreachable += 1
                printError("models: \(source.name) (\(source.url)): \(error)")
            }
        }
        rows.sort { lhs, rhs in
            let left = (lhs["model"] as? String ?? "", lhs["version"] as? String ?? "", lhs["shard"] as? String ?? "")
            let right = (rhs["model"] as? String ?? "", rhs["version"] as? String ?? "", rhs["shard"] as? String ?? "")
            return left < right
        }
        if json {
            for row in rows {
                let data = try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
        } else {
            print(Self.table(rows))
        }
        if unreachable > 0 { throw ExitCode.failure }
    }

    private static func models(at base: String, caFile: String?) async throws -> [[String: Any]] {
        let client = CollectorAPIClient(address: base, caFile: caFile)
        let (status, data) = try await client.send("GET", "/api/v1/models")
        guard status == 200,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let models = object["models"] as? [[String: Any]]
        else { throw CommandFailure("unexpected answer (HTTP \(status)) from \(client.baseURL)/api/v1/models") }
        return models
    }

    private static func table(_ rows: [[String: Any]]) -> String {
        var lines = [["MODEL", "VERSION", "SHARD", "EVENTS", "DRIFT", "ERRORS", "P99 MS", "ALERTS"]]
        func number(_ value: Any?, scale: Double = 1, digits: Int = 3) -> String {
            guard let value = value as? Double else { return "-" }
            return String(format: "%.\(digits)f", value * scale)
        }
        for row in rows {
            var shard = row["shard"] as? String ?? "-"
            if row["owned"] as? Bool == false { shard += " (moved)" }
            lines.append([
                row["model"] as? String ?? "-", (row["version"] as? String).map { $0.isEmpty ? "-" : $0 } ?? "-",
                shard, "\(row["events_seen"] as? Int ?? 0)", number(row["drift_share"]), number(row["error_rate"]),
                number(row["latency_p99_us"], scale: 0.001, digits: 1), "\(row["active_alerts"] as? Int ?? 0)",
            ])
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
