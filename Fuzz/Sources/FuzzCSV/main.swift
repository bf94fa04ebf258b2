// libFuzzer target: CSV input as driftwatch reads it, on arbitrary bytes.
//
// Two readers take CSV: `driftwatch backtest` (`CSVEventReader` in DriftReplay: RFC 4180 fields, a column mapping,
// timestamps in four formats, numbers, outcomes, labels; and the NAB `timestamp,value` mapping) and `driftwatch
// baseline` (SwiftCSV, called the way its `TrainingTable` reads training data; that reader lives in the executable,
// so the same library calls are made here). Both must be total: inputs or a `ReplayError` / `CSVParseError`,
// never a trap, leak or hang. The backtest reader's inputs must also satisfy what the engine relies on: every batch
// encodes to the wire format and decodes back to itself.
import DriftProtocol
import DriftReplay
import Foundation
import SwiftCSV

/// Columns the seeds use; a fuzzed header that lacks one is a configuration error, which is fine too.
let fullMapping: CSVColumnMapping = {
    var mapping = CSVColumnMapping()
    mapping.timestamp = "ts"
    mapping.timestampFormat = .seconds
    mapping.model = "fuzz"
    mapping.numericFeatures = ["x", "y"]
    mapping.categoricalFeatures = ["country"]
    mapping.prediction = "score"
    mapping.latencyMilliseconds = "latency_ms"
    mapping.outcome = "status"
    mapping.requestID = "rid"
    mapping.label = "truth"
    mapping.metrics = ["cpu"]
    return mapping
}()

let isoMapping: CSVColumnMapping = {
    var mapping = fullMapping
    mapping.timestampFormat = .iso8601
    mapping.modelColumn = "model"
    return mapping
}()

func checkRoundTrip(_ inputs: [BacktestInput]) {
    for input in inputs {
        switch input.payload {
        case .events(let batch):
            guard let decoded = try? EventBatch(decoding: batch.encoded()), decoded == batch else {
                fatalError("CSV: an event batch does not survive the wire format")
            }
        case .labels(let batch):
            guard let bytes = try? batch.encoded(), (try? LabelBatch(decoding: bytes)) == batch else {
                fatalError("CSV: a label batch does not survive the wire format")
            }
        case .wire:
            fatalError("CSV: the reader produced a wire message")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else {
        return 0
    }
    for mapping in [fullMapping, isoMapping, .nab(model: "nab")] {
        if let inputs = try? CSVEventReader.read(text: text, name: "fuzz.csv", mapping: mapping) {
            checkRoundTrip(inputs)
        }
    }
    guard let csv = try? CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false) else { return 0 }
    var cells = csv.header.count
    var numbers = 0
    for row in csv.rows {
        if row.count != csv.header.count { continue }
        for cell in row {
            cells += 1
            let trimmed = cell.trimmingCharacters(in: .whitespaces)
            if let number = Double(trimmed), number.isFinite { numbers += 1 }
        }
    }
    if numbers > cells { fatalError("CSV: more numbers than cells") }
    return 0
}
