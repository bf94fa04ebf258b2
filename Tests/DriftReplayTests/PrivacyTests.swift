import DriftProtocol
import DriftReplay
import DriftStatistics
import Foundation
import TestSupport
import Testing

/// The privacy options end to end: a collector and `driftwatch record` keep only hashed request ids and sketch
/// values for a model configured so, while labels still join (docs/security.md, "Privacy").
@Suite("Privacy options", .serialized)
struct PrivacyTests {
    static let privateConfiguration = """
        defaults:
          evaluate_every_events: 500
          reference: { policy: first_events, events: 2000 }
          privacy:
            request_ids: hash
            feature_values: sketch
        """
    static let simulation = [
        "--fast", "--duration", "120", "--rate", "50", "--seed", "11", "--agent-id", "privacy-test",
        "--start-time", "2024-05-01T00:00:00Z", "--label-fraction", "1", "--label-delay", "1",
    ]

    /// What the simulator sends: every request id, and numeric values printed as a checkpoint would print them.
    struct Traffic {
        var requestIDs: Set<String> = []
        var values: [Double] = []
        var labelIDs: [String] = []
    }

    static func traffic(in path: String) throws -> Traffic {
        var traffic = Traffic()
        for record in try CaptureReader(path: path).records {
            switch try WireMessage(decoding: record.message) {
            case .events(let batch):
                for index in 0..<batch.count {
                    let range = batch.requestIDRange(of: index)
                    if !range.isEmpty {
                        traffic.requestIDs.insert(String(decoding: batch.requestIDBytes[range], as: UTF8.self))
                    }
                }
                traffic.values += batch.numericValues.filter { !$0.isNaN }
            case .labels(let batch):
                traffic.labelIDs += batch.labels.map(\.requestID)
            case .acknowledgement:
                break
            }
        }
        return traffic
    }

    static func writeKey(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("privacy.key").path
        let made = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["keygen", "--privacy-key", "privacy", "--output-dir", directory.path]
        )
        #expect(made.status == 0, "\(made.standardError)")
        return path
    }

    /// The words of every file of the SQLite state (the database and its write-ahead log): maximal runs of
    /// letters, digits and `.+-_`, so a number or a request id in the checkpoint's JSON is one word.
    static func stateWords(_ state: String) -> Set<String> {
        var words: Set<String> = []
        for data in [state, state + "-wal"].compactMap({ FileManager.default.contents(atPath: $0) }) {
            var word: [UInt8] = []
            for byte in data {
                let isWordByte =
                    (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a)
                    || byte == 0x2e || byte == 0x2b || byte == 0x2d || byte == 0x5f
                if isWordByte {
                    word.append(byte)
                } else if !word.isEmpty {
                    words.insert(String(decoding: word, as: UTF8.self))
                    word.removeAll(keepingCapacity: true)
                }
            }
            if !word.isEmpty { words.insert(String(decoding: word, as: UTF8.self)) }
        }
        return words
    }

    /// Runs a collector with `arguments`, replays `capture` into it, checks labels joined, stops it (final
    /// checkpoint) and returns the words of its state files.
    static func collectorState(capture: String, arguments: [String], state: String) async throws -> Set<String> {
        let collector = try CollectorProcess(["--clock", "event", "--state", state] + arguments)
        let replay = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["replay", capture, "--to", collector.ingestEndpoint, "--speed", "max"],
            timeout: .seconds(120)
        )
        #expect(replay.status == 0, "\(replay.standardError)")
        #expect(replay.standardError.contains("unacknowledged 0"))
        // /metrics renders the snapshot the ingest thread refreshes every tick (500 ms): wait for the final one.
        var joined = 0
        for _ in 0..<60 where joined < 6000 {
            let detail = try await collector.get("/api/v1/models/fraud-detector").body
            let versions = (try JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any])?["versions"]
            joined = ((versions as? [[String: Any]])?.first?["labels_joined"] as? Int) ?? 0
            if joined < 6000 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(joined >= 6000, "labels must still join (6,078 sent)")
        let stopped = try collector.stop()
        #expect(stopped.status == 0, "\(stopped.standardError)")
        return stateWords(state)
    }

    @Test("The collector's checkpoint holds no raw feature value under sketch mode, the control holds them")
    func collectorKeepsSketchesOnly() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("raw.dwcap").path
        let made = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["simulate", "--capture", capture] + Self.simulation
        )
        #expect(made.status == 0, "\(made.standardError)")
        let traffic = try Self.traffic(in: capture)
        // The values that are certainly in the windows at the end: the last 1,000 events' features.
        let recent = traffic.values.suffix(4000).map { "\($0)" }.filter { $0.count >= 8 }
        #expect(recent.count >= 500)
        let key = try Self.writeKey(in: directory)
        let config = directory.appendingPathComponent("private.yaml").path
        try Self.privateConfiguration.write(toFile: config, atomically: true, encoding: .utf8)

        let control = try await Self.collectorState(
            capture: capture,
            arguments: [],
            state: directory.appendingPathComponent("plain.sqlite").path
        )
        #expect(recent.filter { control.contains($0) }.count > 100, "the search finds raw values in a plain checkpoint")

        let kept = try await Self.collectorState(
            capture: capture,
            arguments: ["--config", config, "--privacy-key", key],
            state: directory.appendingPathComponent("private.sqlite").path
        )
        #expect(kept.count > 1000)
        let leaked = recent.filter { kept.contains($0) }
        #expect(leaked.isEmpty, "raw values in the private checkpoint: \(leaked.prefix(5))")
        let leakedIDs = traffic.requestIDs.filter { kept.contains($0) }
        #expect(leakedIDs.isEmpty, "raw request ids in the private checkpoint: \(leakedIDs.prefix(5))")
    }

    @Test("record --config writes hashed ids and sketch values; labels carry the same hashes as their predictions")
    func recordKeepsSketchesOnly() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try Self.writeKey(in: directory)
        let config = directory.appendingPathComponent("private.yaml").path
        try Self.privateConfiguration.write(toFile: config, atomically: true, encoding: .utf8)
        let withoutKey = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["record", "--config", config, "--output", directory.path, "--duration", "1"]
        )
        #expect(withoutKey.status != 0)
        #expect(withoutKey.standardError.contains("privacy.request_ids is hash"))
        #expect(withoutKey.standardError.contains("--privacy-key"))

        _ = try recordSimulation(
            recorder: ["--output", directory.path, "--stem", "private", "--config", config, "--privacy-key", key],
            simulation: Self.simulation
        )

        let reference = directory.appendingPathComponent("reference.dwcap").path
        let direct = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["simulate", "--capture", reference] + Self.simulation
        )
        #expect(direct.status == 0, "\(direct.standardError)")
        let raw = try Self.traffic(in: reference)
        let stored = try Self.traffic(in: directory.appendingPathComponent("private-000001.dwcap").path)
        #expect(stored.requestIDs.count == raw.requestIDs.count)
        #expect(stored.requestIDs.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        #expect(stored.requestIDs.isDisjoint(with: raw.requestIDs))
        #expect(stored.labelIDs.count == raw.labelIDs.count)
        #expect(Set(stored.labelIDs).isSubset(of: stored.requestIDs), "labels keep joining their predictions")
        #expect(stored.values.count == raw.values.count)
        let quantizer = try RelativeAccuracyQuantizer(relativeAccuracy: 0.01)
        #expect(stored.values.allSatisfy { quantizer.quantize($0) == $0 })
        #expect(zip(stored.values, raw.values).allSatisfy { abs($0 - $1) <= 0.01 * abs($1) + 1e-9 })
    }

    @Test("Hashing without a privacy key is refused at start-up and on reload, which keeps the old configuration")
    func hashingNeedsTheKey() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("collector.yaml").path
        try Self.privateConfiguration.write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try ChildProcess.run(
            ChildProcess.driftwatchExecutable,
            ["collector", "--config", config, "--ingest", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0"]
        )
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("defaults: privacy.request_ids is hash"))

        try "defaults:\n  evaluate_every_events: 500\n".write(toFile: config, atomically: true, encoding: .utf8)
        let collector = try CollectorProcess(["--config", config])
        defer { _ = try? collector.stop() }
        try Self.privateConfiguration.write(toFile: config, atomically: true, encoding: .utf8)
        collector.process.signal(SIGHUP)
        #expect(collector.process.waitForOutput(containing: "Configuration reload failed"))
        #expect(collector.process.standardErrorSoFar.contains("privacy.request_ids is hash"))
        let model = try await collector.get("/api/v1/models/any-model/config").body
        #expect(model.contains("\"request_ids\":\"keep\""))
    }
}
