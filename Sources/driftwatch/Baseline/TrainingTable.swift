import DriftwatchAgentCommand
import Foundation
import SwiftCSV

/// Training data read into memory as named columns of optional cells.
struct TrainingTable {
    /// One cell: a number, a string, or missing.
    enum Cell: Equatable {
        case number(Double)
        case text(String)
        case missing
    }

    /// Column names in file order.
    var columns: [String]
    /// Rows; each has one cell per column.
    var rows: [[Cell]]

    static func read(_ url: URL, format: TableFormat) throws -> TrainingTable {
        switch format {
        case .csv: try readCSV(url)
        case .ndjson: try readNDJSON(url)
        }
    }

    private static func readCSV(_ url: URL) throws -> TrainingTable {
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(url: url, delimiter: .comma, loadColumns: false)
        } catch let error as CSVParseError {
            throw CommandFailure("\(url.path) is not valid CSV: \(error)")
        } catch {
            throw CommandFailure("Could not read \(url.path): \(error.localizedDescription)")
        }
        guard !csv.header.isEmpty else { throw CommandFailure("\(url.path) has no header row.") }
        var rows: [[Cell]] = []
        rows.reserveCapacity(csv.rows.count)
        for (index, row) in csv.rows.enumerated() {
            guard row.count == csv.header.count else {
                throw CommandFailure(
                    "\(url.path):\(index + 2): expected \(csv.header.count) cells like the header, found \(row.count)."
                )
            }
            rows.append(row.map(Self.cell(parsing:)))
        }
        return TrainingTable(columns: csv.header, rows: rows)
    }

    private static func cell(parsing text: String) -> Cell {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .missing }
        if let number = Double(trimmed), number.isFinite { return .number(number) }
        return .text(text)
    }

    private static func readNDJSON(_ url: URL) throws -> TrainingTable {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw CommandFailure("Could not read \(url.path): \(error.localizedDescription)")
        }
        var columns: [String] = []
        var positions: [String: Int] = [:]
        var objects: [[String: Cell]] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONDecoder().decode([String: JSONCell].self, from: Data(trimmed.utf8)) else {
                throw CommandFailure("\(url.path):\(index + 1): expected one flat JSON object per line.")
            }
            var row: [String: Cell] = [:]
            for (key, value) in object {
                if positions[key] == nil {
                    positions[key] = columns.count
                    columns.append(key)
                }
                switch value {
                case .null: row[key] = .missing
                case .number(let number): row[key] = number.isFinite ? .number(number) : .missing
                case .string(let string): row[key] = .text(string)
                case .bool(let flag): row[key] = .text(flag ? "true" : "false")
                case .nested:
                    throw CommandFailure("\(url.path):\(index + 1): '\(key)' must be a number, a string or null.")
                }
            }
            objects.append(row)
        }
        let rows = objects.map { object in columns.map { object[$0] ?? .missing } }
        return TrainingTable(columns: columns, rows: rows)
    }
}

/// One value of a flat NDJSON object.
private enum JSONCell: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case nested

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else {
            self = .nested
        }
    }
}
