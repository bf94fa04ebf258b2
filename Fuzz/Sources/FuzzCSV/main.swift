// libFuzzer target: CSV training data as `driftwatch baseline` reads it (docs/baseline.md), on arbitrary bytes.
//
// The reader (`TrainingTable` in the `driftwatch` executable) is not in a library product, so it cannot be linked
// here. This target makes the same library calls on the fuzzed text without copying driftwatch code: the file's
// UTF-8 text goes to `CSV<Enumerated>(string:delimiter: .comma, loadColumns: false)` (what `CSV(url:…)` does after
// reading the file), then every header cell and every cell of every row is read, rows are compared in length with
// the header, and each cell is typed with the same Foundation and standard-library calls the reader uses
// (`trimmingCharacters(in: .whitespaces)`, `Double(_:)`, `isFinite`). SwiftCSV must be total: a table or a
// `CSVParseError`, never a trap, leak or hang.
import Foundation
import SwiftCSV

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else {
        return 0
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
