import DriftEngine
import DriftProtocol
import DriftReplay
import Foundation

// Backtest throughput on one core: a capture file is read into memory once, then (1) every record is decoded
// (`WireMessage(decoding:)`, the decode-only floor) and (2) the whole file is backtested (decode, deduplicate,
// `MonitorEngine` with the default configuration driven by `EventClock`), each `--repetitions` times; the best
// run of each is reported as events/s, with the ratio backtest / decode-only. docs/backtest.md, "Throughput".
//
//   swift run -c release BacktestThroughput FILE.dwcap [REPETITIONS]

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: BacktestThroughput FILE.dwcap [REPETITIONS]\n".utf8))
    exit(64)
}
let repetitions = arguments.count >= 3 ? Int(arguments[2]) ?? 5 : 5
let capture = try CaptureReader(path: arguments[1])
let inputs = BacktestInput.from(capture)
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

var events = 0
var bestDecode = Double.infinity
for _ in 0..<repetitions {
    var count = 0
    let elapsed = clock.measure {
        for record in capture.records {
            if case .events(let batch) = try? WireMessage(decoding: record.message) { count += batch.count }
        }
    }
    events = count
    bestDecode = min(bestDecode, seconds(elapsed))
}
var bestBacktest = Double.infinity
var notifications = 0
for _ in 0..<repetitions {
    var backtest = Backtest(resolver: ConfigurationResolver())
    let elapsed = clock.measure { notifications = backtest.run(inputs).count }
    bestBacktest = min(bestBacktest, seconds(elapsed))
}
let decodeRate = Double(events) / bestDecode
let backtestRate = Double(events) / bestBacktest
print("file: \(arguments[1]) (\(capture.records.count) messages, \(events) events, \(notifications) notifications)")
print(String(format: "decode only: %.3f s, %.2f M events/s", bestDecode, decodeRate / 1e6))
print(String(format: "backtest:    %.3f s, %.2f M events/s", bestBacktest, backtestRate / 1e6))
print(String(format: "backtest / decode-only speed: %.3f", backtestRate / decodeRate))
