// NABEvaluation: runs `RobustAnomalyDetector` with its default configuration over every series of a Numenta Anomaly
// Benchmark (NAB) tree and writes one JSON line per alarm, the input of NAB's scorer:
//
//   swift build --scratch-path .build-nab -c release --product NABEvaluation
//   .build-nab/release/NABEvaluation --nab ../../shared/testdata-external/nab --output /tmp/alarms.jsonl
//   python3 ../../shared/tools/nab_score.py --nab ../../shared/testdata-external/nab --alarms /tmp/alarms.jsonl
//
// It also times the detector alone (CSV parsing excluded) and prints nanoseconds per observation to stderr.
// See docs/anomaly-detection.md.
import DriftStatistics
import Foundation

struct Series {
    let name: String
    let timestamps: [String]
    let nanoseconds: [Int64]
    let values: [Double]
}

enum EvaluationFailure: Error, CustomStringConvertible {
    case usage(String)
    case unreadable(String)
    case malformed(String, line: Int)

    var description: String {
        switch self {
        case .usage(let text): return text
        case .unreadable(let path): return "cannot read \(path)"
        case .malformed(let path, let line): return "\(path):\(line): expected 'timestamp,value'"
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// Parses NAB's `YYYY-MM-DD HH:MM:SS` (UTC) into nanoseconds since the epoch.
func parseTimestamp(_ text: Substring) -> Int64? {
    let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" || $0 == "T" })
    guard parts.count >= 6,
        let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
        let hour = Int(parts[3]), let minute = Int(parts[4]), let second = Double(parts[5])
    else { return nil }
    let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60
    return Int64(seconds) * 1_000_000_000 + Int64((second * 1e9).rounded())
}

func loadSeries(root: URL, name: String) throws -> Series {
    let path = root.appendingPathComponent("data").appendingPathComponent(name).path
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw EvaluationFailure.unreadable(path)
    }
    var timestamps: [String] = []
    var nanoseconds: [Int64] = []
    var values: [Double] = []
    for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() where number > 0 {
        let fields = line.split(separator: ",", maxSplits: 1)
        guard fields.count == 2, let time = parseTimestamp(fields[0]) else {
            throw EvaluationFailure.malformed(path, line: number + 1)
        }
        timestamps.append(String(fields[0]))
        nanoseconds.append(time)
        // A value that does not parse is fed as NaN: the detector skips and counts it.
        values.append(Double(fields[1].trimmingCharacters(in: .whitespaces)) ?? .nan)
    }
    return Series(name: name, timestamps: timestamps, nanoseconds: nanoseconds, values: values)
}

/// Every `<group>/<name>.csv` under `root/data`, sorted.
func seriesNames(root: URL) throws -> [String] {
    let data = root.appendingPathComponent("data")
    let manager = FileManager.default
    var names: [String] = []
    for group in try manager.contentsOfDirectory(atPath: data.path).sorted() {
        var isDirectory: ObjCBool = false
        let groupPath = data.appendingPathComponent(group).path
        guard manager.fileExists(atPath: groupPath, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
        for file in try manager.contentsOfDirectory(atPath: groupPath).sorted() where file.hasSuffix(".csv") {
            names.append("\(group)/\(file)")
        }
    }
    return names
}

func jsonString(_ text: String) -> String {
    var out = "\""
    for character in text.unicodeScalars {
        switch character {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default: out.unicodeScalars.append(character)
        }
    }
    return out + "\""
}

func run() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var nabPath: String?
    var outputPath: String?
    var timingRepeats = 20
    while !arguments.isEmpty {
        let flag = arguments.removeFirst()
        guard !arguments.isEmpty else { throw EvaluationFailure.usage("\(flag) needs a value") }
        let value = arguments.removeFirst()
        switch flag {
        case "--nab": nabPath = value
        case "--output": outputPath = value
        case "--timing-repeats": timingRepeats = max(0, Int(value) ?? 20)
        default:
            throw EvaluationFailure.usage(
                "usage: NABEvaluation --nab DIR [--output ALARMS.jsonl] [--timing-repeats N]"
            )
        }
    }
    guard let nabPath else {
        throw EvaluationFailure.usage("usage: NABEvaluation --nab DIR [--output ALARMS.jsonl] [--timing-repeats N]")
    }
    let root = URL(fileURLWithPath: nabPath)
    let series = try seriesNames(root: root).map { try loadSeries(root: root, name: $0) }

    var lines = ""
    var alarmCount = 0
    var observationCount = 0
    for item in series {
        var detector = RobustAnomalyDetector()
        for row in item.values.indices {
            let verdict = detector.observe(item.values[row], at: item.nanoseconds[row])
            if verdict.isAlarm {
                alarmCount += 1
                lines += "{\"series\": \(jsonString(item.name)), \"row\": \(row), "
                lines += "\"timestamp\": \(jsonString(item.timestamps[row])), "
                lines += "\"score\": \(verdict.score), \"direction\": \"\(verdict.direction.rawValue)\"}\n"
            }
        }
        observationCount += item.values.count
    }
    if let outputPath {
        try lines.write(toFile: outputPath, atomically: true, encoding: .utf8)
    } else {
        FileHandle.standardOutput.write(Data(lines.utf8))
    }

    // Timing: the detector alone over every series, best of `timingRepeats` passes.
    var best = Duration.seconds(1_000_000)
    var checksum = 0
    let clock = ContinuousClock()
    for _ in 0..<timingRepeats {
        let elapsed = clock.measure {
            for item in series {
                var detector = RobustAnomalyDetector()
                for row in item.values.indices
                where detector.observe(item.values[row], at: item.nanoseconds[row]).isAlarm {
                    checksum &+= row
                }
            }
        }
        best = min(best, elapsed)
    }
    var report = "series=\(series.count) observations=\(observationCount) alarms=\(alarmCount)\n"
    if timingRepeats > 0 {
        let nanoseconds = Double(best.components.seconds) * 1e9 + Double(best.components.attoseconds) / 1e9
        let perObservation = nanoseconds / Double(observationCount)
        report +=
            "detector: \(String(format: "%.1f", perObservation)) ns/observation (best of \(timingRepeats) passes, "
        report += "checksum \(checksum))\n"
    }
    FileHandle.standardError.write(Data(report.utf8))
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("NABEvaluation: \(error)\n".utf8))
    exit(2)
}
