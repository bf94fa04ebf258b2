import DriftAgent
import DriftProtocol
import Foundation

/// Reads a CSV file with a header row into backtest inputs, by a ``CSVColumnMapping``.
///
/// Fields follow RFC 4180 (commas, double quotes with `""` escapes, CRLF or LF). Rows keep file order; a row with
/// a label also yields a label for the same request id right after its event (a row without a request id gets
/// `row-<n>`). Errors name the file, the line and the column.
public enum CSVEventReader {
    /// Reads the file at `path`.
    /// - Parameters:
    ///   - path: the CSV file.
    ///   - mapping: which columns are what.
    /// - Returns: the inputs in row order.
    /// - Throws: ``ReplayError`` `io`, `invalid_configuration` (a mapped column is missing) or `invalid_input`.
    public static func read(path: String, mapping: CSVColumnMapping) throws(ReplayError) -> [BacktestInput] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ReplayError(.io, "cannot read \(path) as UTF-8 text")
        }
        return try read(text: text, name: path, mapping: mapping)
    }

    /// Reads CSV text (what ``read(path:mapping:)`` does after loading the file; also the fuzz target's entry).
    /// - Parameters:
    ///   - text: the whole CSV text.
    ///   - path: the name errors use for it.
    ///   - mapping: which columns are what.
    /// - Returns: the inputs in row order.
    /// - Throws: ``ReplayError`` `invalid_configuration` (a mapped column is missing) or `invalid_input`.
    public static func read(
        text: String,
        name path: String,
        mapping: CSVColumnMapping
    ) throws(ReplayError)
        -> [BacktestInput]
    {
        var rows = parse(text)
        guard !rows.isEmpty else { throw ReplayError(.invalidInput, "\(path) has no header row") }
        let header = rows.removeFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        func column(_ name: String) throws(ReplayError) -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw ReplayError(
                    .invalidConfiguration,
                    "\(path): no column '\(name)' (columns: \(header.joined(separator: ", ")))"
                )
            }
            return index
        }
        func optional(_ name: String?) throws(ReplayError) -> Int? {
            guard let name else { return nil }
            return try column(name)
        }
        let timestamp = try column(mapping.timestamp)
        var numeric: [(String, Int)] = []
        for name in mapping.numericFeatures { numeric.append((name, try column(name))) }
        var categorical: [(String, Int)] = []
        for name in mapping.categoricalFeatures { categorical.append((name, try column(name))) }
        var metrics: [(String, Int)] = []
        for name in mapping.metrics { metrics.append((name, try column(name))) }
        let modelColumn = try optional(mapping.modelColumn)
        let prediction = try optional(mapping.prediction)
        let latency = try optional(mapping.latencyMilliseconds)
        let outcome = try optional(mapping.outcome)
        let requestID = try optional(mapping.requestID)
        let label = try optional(mapping.label)

        var batcher = EventBatcher()
        for (offset, row) in rows.enumerated() {
            let line = offset + 2
            if row.count == 1 && row[0].isEmpty { continue }
            func cell(_ index: Int) -> String {
                index < row.count ? row[index].trimmingCharacters(in: .whitespaces) : ""
            }
            func number(_ index: Int, _ name: String) throws(ReplayError) -> Double? {
                let text = cell(index)
                if text.isEmpty { return nil }
                guard let value = Double(text), value.isFinite else {
                    throw ReplayError(.invalidInput, "\(path):\(line): column \(name): '\(text)' is not a number")
                }
                return value
            }
            guard let time = parseTimestamp(cell(timestamp), mapping.timestampFormat) else {
                throw ReplayError(
                    .invalidInput,
                    "\(path):\(line): column \(mapping.timestamp): '\(cell(timestamp))' is not a timestamp in "
                        + "the \(mapping.timestampFormat.rawValue) format"
                )
            }
            var event = AgentEvent(
                model: modelColumn.map(cell) ?? mapping.model,
                modelVersion: mapping.modelVersion,
                timestamp: time
            )
            for (name, index) in numeric { event.numericFeatures[name] = try number(index, name) ?? .nan }
            for (name, index) in categorical {
                let text = cell(index)
                event.categoricalFeatures[name] = .some(text.isEmpty ? nil : text)
            }
            for (name, index) in metrics {
                if let value = try number(index, name) { event.customMetrics[name] = value }
            }
            if let prediction {
                let text = cell(prediction)
                if let value = Double(text), value.isFinite {
                    event.prediction = .number(value)
                } else if !text.isEmpty {
                    event.prediction = .classLabel(text)
                }
            }
            if let latency, let value = try number(latency, mapping.latencyMilliseconds ?? "") {
                event.latencyMicroseconds = value * 1000
            }
            if let outcome {
                let text = cell(outcome).lowercased()
                switch text {
                case "", "ok", "0": event.outcome = .ok
                case "error": event.outcome = .error(code: 1)
                default:
                    guard let code = UInt16(text) else {
                        throw ReplayError(
                            .invalidInput,
                            "\(path):\(line): outcome '\(text)' is not ok, error or a code"
                        )
                    }
                    event.outcome = Outcome(wireCode: code)
                }
            }
            if let requestID, !cell(requestID).isEmpty { event.requestID = cell(requestID) }
            var truth: GroundTruth?
            if let label {
                let text = cell(label)
                if let value = Double(text), value.isFinite {
                    truth = .number(value)
                } else if !text.isEmpty {
                    // Labels are held to the wire's string limit, as events are by their batch builder.
                    guard text.utf8.count <= WireLimits.maxStringBytes else {
                        throw ReplayError(
                            .invalidInput,
                            "\(path):\(line): the label in column '\(mapping.label ?? "")' is longer than "
                                + "\(WireLimits.maxStringBytes) bytes"
                        )
                    }
                    truth = .classLabel(text)
                }
                if truth != nil && event.requestID == nil { event.requestID = "row-\(line)" }
            }
            do {
                try batcher.add(event)
            } catch {
                throw ReplayError(.invalidInput, "\(path):\(line): \(error.message)")
            }
            if let truth, let id = event.requestID {
                batcher.add(
                    AgentLabel(
                        model: event.model,
                        modelVersion: event.modelVersion,
                        timestamp: time,
                        requestID: id,
                        groundTruth: truth
                    )
                )
            }
        }
        batcher.finish()
        return batcher.inputs
    }

    /// Splits CSV text into rows of fields (RFC 4180).
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            case "\r": break
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Parses a timestamp into ns since the epoch (UTC), or nil.
    static func parseTimestamp(_ text: String, _ format: CSVColumnMapping.TimestampFormat) -> Int64? {
        switch format {
        case .seconds:
            guard let value = Double(text), value.isFinite, value.magnitude < 9e9 else { return nil }
            return Int64((value * 1e9).rounded())
        case .milliseconds:
            guard let value = Double(text), value.isFinite, value.magnitude < 9e12 else { return nil }
            return Int64((value * 1e6).rounded())
        case .nanoseconds:
            return Int64(text)
        case .iso8601:
            return parseISO8601(text)
        }
    }

    /// `YYYY-MM-DD[ T]HH:MM:SS[.fraction][Z]` as UTC, by the civil-from-days algorithm (no time zone database).
    static func parseISO8601(_ text: String) -> Int64? {
        var body = Substring(text)
        if body.hasSuffix("Z") { body = body.dropLast() }
        let utf8 = Array(body.utf8)
        guard utf8.count >= 19, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
            utf8[10] == UInt8(ascii: " ") || utf8[10] == UInt8(ascii: "T"),
            utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":")
        else { return nil }
        func digits(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let digit = Int64(utf8[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
            let hour = digits(11..<13), let minute = digits(14..<16), let second = digits(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction: Int64 = 0
        if utf8.count > 19 {
            guard utf8[19] == UInt8(ascii: "."), utf8.count > 20, utf8.count <= 29,
                let value = digits(20..<utf8.count)
            else { return nil }
            var scale: Int64 = 1
            for _ in 0..<(9 - (utf8.count - 20)) { scale *= 10 }
            fraction = value * scale
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        // Seconds always fit; nanoseconds since 1970 in an Int64 only between 1677-09-21 and 2262-04-11.
        // Before 1970 the fraction is taken from the next whole second, so the range's first second stays in range.
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        let borrow = seconds < 0 && fraction > 0
        let (nanoseconds, overflow) = (borrow ? seconds + 1 : seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflowAgain) = nanoseconds.addingReportingOverflow(borrow ? fraction - 1_000_000_000 : fraction)
        return overflow || overflowAgain ? nil : total
    }
}
