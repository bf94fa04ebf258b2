import DriftStatistics
import Foundation
import Testing

/// Detection delay and false alarms on the quality streams, next to River's from
/// `Fixtures/detectors/quality.json` (written by `Benchmarks/baselines/river_detectors.py quality`). Prints the
/// table of docs/detectors.md.
@Suite("Detector quality on streams with known change points")
struct DetectorQualityTests {
    struct Score: Codable, Equatable {
        var delays: [Int?]
        var falseAlarms: Int
        var events: Int

        enum CodingKeys: String, CodingKey {
            case delays
            case falseAlarms = "false_alarms"
            case events
        }

        var detected: Int { delays.compactMap { $0 }.count }
        var meanDelay: Double? {
            let found = delays.compactMap { $0 }
            return found.isEmpty ? nil : Double(found.reduce(0, +)) / Double(found.count)
        }
        var falseAlarmsPer100k: Double { Double(falseAlarms) * 100_000 / Double(events) }

        /// The first alarm in [change, next change) detects it; every other alarm is false.
        init(alarms: [Int], changes: [Int], events: Int) {
            let bounds = changes + [events]
            var used = Set<Int>()
            delays = zip(changes, bounds.dropFirst()).map { change, next in
                guard let hit = alarms.first(where: { $0 >= change && $0 < next }) else {
                    return nil
                }
                used.insert(hit)
                return hit - change
            }
            falseAlarms = alarms.filter { !used.contains($0) }.count
            self.events = events
        }
    }

    struct QualityFixture: Codable {
        var streams: [DetectorStreamSpec]
        var results: [String: [String: Score]]
    }

    static let fixture: QualityFixture = {
        guard let base = Bundle.module.resourceURL,
            let data = try? Data(contentsOf: base.appendingPathComponent("Fixtures/detectors/quality.json")),
            let fixture = try? JSONDecoder().decode(QualityFixture.self, from: data)
        else {
            fatalError("Fixtures/detectors/quality.json is missing or malformed")
        }
        return fixture
    }()

    static func alarms<D: NumericChangeDetector>(_ detector: D, _ values: [Double]) -> [Int] {
        DetectorRun.numeric(detector, values).drift
    }

    static func alarms<D: BinaryChangeDetector>(_ detector: D, _ values: [Double]) -> [Int] {
        DetectorRun.binary(detector, values).drift
    }

    static func swiftScores(_ spec: DetectorStreamSpec) throws -> [(String, Score)] {
        let values = spec.generate()
        let changes = spec.changePoints
        var runs: [(String, [Int])] = [
            ("ADWIN", alarms(ADWIN(), values)),
            ("PageHinkley", alarms(PageHinkley(), values)),
            ("CUSUM", alarms(CUSUM(), values)),
            ("EWMAChart", alarms(EWMAChart(), values)),
        ]
        if spec.isBinary {
            runs += [
                ("DDM", alarms(DDM(), values)),
                ("EDDM", alarms(EDDM(), values)),
                ("HDDM_A", alarms(HDDMA(), values)),
                ("HDDM_W", alarms(HDDMW(), values)),
                ("FHDDM", alarms(FHDDM(), values)),
                ("FHDDM on successes", alarms(FHDDM(), values.map { 1 - $0 })),
            ]
        } else {
            runs.append(("KSWIN", alarms(try KSWIN(source: DetectorPythonRandom(seed: 42)), values)))
        }
        return runs.map { ($0.0, Score(alarms: $0.1, changes: changes, events: values.count)) }
    }

    static func format(_ score: Score?) -> String {
        guard let score else {
            return "— | — | —"
        }
        let delay = score.meanDelay.map { String(Int($0.rounded())) } ?? "—"
        let fa = String(format: "%.1f", score.falseAlarmsPer100k)
        return "\(score.detected)/\(score.delays.count) | \(delay) | \(fa)"
    }

    @Test("River-parity detectors score exactly as River; the table is printed", arguments: fixture.streams.map(\.name))
    func quality(_ name: String) throws {
        let spec = try #require(Self.fixture.streams.first { $0.name == name })
        for (detector, score) in try Self.swiftScores(spec) {
            let river = Self.fixture.results[detector]?[name]
            if let river {
                #expect(score == river, "\(detector) on \(name)")
            }
            print("| \(name) | \(detector) | \(Self.format(score)) | \(Self.format(river)) |")
        }
    }

    @Test("The textbook charts find every mean shift quickly and rarely alarm on a stationary million events")
    func charts() throws {
        let shift = try #require(Self.fixture.streams.first { $0.name == "q-mean-shift" })
        let stationary = try #require(Self.fixture.streams.first { $0.name == "q-stationary-1m" })
        let scores = Dictionary(uniqueKeysWithValues: try Self.swiftScores(shift))
        let quiet = Dictionary(uniqueKeysWithValues: try Self.swiftScores(stationary))
        for chart in ["CUSUM", "EWMAChart"] {
            let score = try #require(scores[chart])
            #expect(score.detected == 4, "\(chart)")
            #expect((score.meanDelay ?? .infinity) <= 60, "\(chart)")
            #expect(try #require(quiet[chart]).falseAlarmsPer100k <= 5, "\(chart)")
        }
    }
}
