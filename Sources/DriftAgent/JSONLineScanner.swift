import DriftProtocol

/// Reads one JSON event line straight from its UTF-8 bytes into an ``AgentEvent``: a single pass over the buffer,
/// no intermediate ``JSONValue`` tree, no dictionary for the top-level object, no `String` for member names.
///
/// It covers the lines models send in the ordinary course: an event whose strings hold no escape sequences and
/// whose feature and metric names do not repeat. For anything else (a label, a value the schema refuses, an escape
/// sequence, a repeated feature name, invalid JSON) it answers nil and ``JSONLineDecoder`` decodes the line with the
/// tree parser instead, which gives the result or the error message it always gave. The scanner never refuses a
/// line itself, so its only observable effect is speed; where it does decode, it applies the same rules: numbers
/// read exactly as `Double(String)` reads them, `timestamp_ns` exactly from the top-level member's text, and the
/// last of repeated top-level keys wins.
struct JSONLineScanner {
    /// Where the value of each scalar member the decoder reads starts (the last of repeated keys wins).
    private struct MemberOffsets {
        var model: Int?
        var version: Int?
        var type: Int?
        var requestID: Int?
        var timestampNanoseconds: Int?
        var timestampSeconds: Int?
        var latency: Int?
        var outcome: Int?
        var prediction: Int?
    }

    /// A scalar JSON value as found in the buffer; strings are byte ranges, read into `String` only when kept.
    private enum Scalar {
        case null
        case bool(Bool)
        case number(Double)
        case string(Range<Int>)
        case composite
    }

    /// The deepest nesting accepted, as the tree parser counts it (``JSONValue/maximumDepth``).
    private static let maximumDepth = JSONValue.maximumDepth
    /// Exactly representable powers of ten, 1e0…1e22 (Clinger's fast path).
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The event `line` holds, or nil when the line needs the tree decoder (see the type's documentation).
    /// - Parameters:
    ///   - line: the UTF-8 bytes of one line.
    ///   - defaultModel: the model for lines without `model`.
    ///   - defaultVersion: the version for lines without `version`.
    ///   - now: the arrival time (ns since the epoch), used when the line has no timestamp.
    /// - Returns: the event, or nil.
    /// - Complexity: O(n) in the line's length.
    static func event(
        in line: UnsafeBufferPointer<UInt8>,
        defaultModel: String?,
        defaultVersion: String,
        now: Int64
    ) -> AgentEvent? {
        var scanner = JSONLineScanner(bytes: line)
        return scanner.scanEvent(defaultModel: defaultModel, defaultVersion: defaultVersion, now: now)
    }

    // MARK: - The line

    private mutating func scanEvent(defaultModel: String?, defaultVersion: String, now: Int64) -> AgentEvent? {
        var offsets = MemberOffsets()
        var numeric: [String: Double] = [:]
        var categorical: [String: String?] = [:]
        var metrics: [String: Double] = [:]
        skipWhitespace()
        guard consume(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        if !consume(UInt8(ascii: "}")) {
            while true {
                skipWhitespace()
                guard let key = scanString() else { return nil }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                guard scanMember(key, &offsets, &numeric, &categorical, &metrics) else { return nil }
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                guard consume(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        skipWhitespace()
        guard index == bytes.count else { return nil }

        if let start = offsets.type {
            switch scalar(at: start) {
            case .null: break
            case .string(let range) where equals(range, "event"): break
            default: return nil
            }
        }
        guard let givenModel = optionalString(at: offsets.model),
            let model = givenModel ?? defaultModel, !model.isEmpty,
            let givenVersion = optionalString(at: offsets.version),
            let givenTimestamp = timestamp(offsets)
        else { return nil }
        var event = AgentEvent(
            model: model,
            modelVersion: givenVersion ?? defaultVersion,
            timestamp: givenTimestamp ?? now
        )
        if let start = offsets.requestID {
            switch scalar(at: start) {
            case .null: break
            case .string(let range): event.requestID = string(range)
            default: return nil
            }
        }
        if let start = offsets.latency {
            switch scalar(at: start) {
            case .null: break
            case .number(let milliseconds) where milliseconds.isFinite && milliseconds >= 0:
                event.latencyMicroseconds = milliseconds * 1000
            default: return nil
            }
        }
        if let start = offsets.outcome {
            switch scalar(at: start) {
            case .null: break
            case .string(let range) where equals(range, "ok"): break
            case .string(let range) where equals(range, "error"): event.outcome = .error(code: 1)
            case .number(let code):
                guard let wire = UInt16(exactly: code) else { return nil }
                event.outcome = Outcome(wireCode: wire)
            default: return nil
            }
        }
        if let start = offsets.prediction {
            guard let prediction = prediction(at: start) else { return nil }
            event.prediction = prediction
        }
        event.numericFeatures = numeric
        event.categoricalFeatures = categorical
        event.customMetrics = metrics
        return event
    }

    /// Reads or skips the value of the member named by the bytes in `key`.
    private mutating func scanMember(
        _ key: Range<Int>,
        _ offsets: inout MemberOffsets,
        _ numeric: inout [String: Double],
        _ categorical: inout [String: String?],
        _ metrics: inout [String: Double]
    ) -> Bool {
        let start = index
        switch key.count {
        case 4 where equals(key, "type"): offsets.type = start
        case 5 where equals(key, "model"): offsets.model = start
        case 7 where equals(key, "version"): offsets.version = start
        case 7 where equals(key, "outcome"): offsets.outcome = start
        case 7 where equals(key, "metrics"): return scanMetrics(into: &metrics)
        case 8 where equals(key, "features"): return scanFeatures(into: &numeric, &categorical)
        case 9 where equals(key, "timestamp"): offsets.timestampSeconds = start
        case 10 where equals(key, "request_id"): offsets.requestID = start
        case 10 where equals(key, "latency_ms"): offsets.latency = start
        case 10 where equals(key, "prediction"): offsets.prediction = start
        case 12 where equals(key, "timestamp_ns"): offsets.timestampNanoseconds = start
        default: break
        }
        return skipValue(depth: 1)
    }

    /// `"features"`: numbers are numeric, strings and booleans categorical, null missing (a later `features` member
    /// replaces an earlier one).
    private mutating func scanFeatures(
        into numeric: inout [String: Double],
        _ categorical: inout [String: String?]
    ) -> Bool {
        numeric.removeAll()
        categorical.removeAll()
        if consumeLiteral("null") { return true }
        guard consume(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let nameRange = scanString() else { return false }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            let name = string(nameRange)
            switch scanScalar() {
            case .null:
                if numeric.isEmpty { numeric.reserveCapacity(8) }
                guard numeric.updateValue(.nan, forKey: name) == nil else { return false }
            case .number(let number):
                guard number.isFinite else { return false }
                if numeric.isEmpty { numeric.reserveCapacity(8) }
                guard numeric.updateValue(number, forKey: name) == nil else { return false }
            case .bool(let flag):
                if categorical.isEmpty { categorical.reserveCapacity(4) }
                guard categorical.updateValue(flag ? "true" : "false", forKey: name) == nil else { return false }
            case .string(let range):
                if categorical.isEmpty { categorical.reserveCapacity(4) }
                guard categorical.updateValue(.some(string(range)), forKey: name) == nil else { return false }
            case .composite:
                return false
            }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "}")) else { return false }
            break
        }
        // A name given as both kinds is a repeated key: the tree decoder keeps only the last one.
        if numeric.count <= categorical.count {
            for name in numeric.keys where categorical.index(forKey: name) != nil { return false }
        } else {
            for name in categorical.keys where numeric.index(forKey: name) != nil { return false }
        }
        return true
    }

    /// `"metrics"`: finite numbers by name (a later `metrics` member replaces an earlier one).
    private mutating func scanMetrics(into metrics: inout [String: Double]) -> Bool {
        metrics.removeAll()
        if consumeLiteral("null") { return true }
        guard consume(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let nameRange = scanString() else { return false }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard case .number(let number) = scanScalar(), number.isFinite else { return false }
            guard metrics.updateValue(number, forKey: string(nameRange)) == nil else { return false }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "}")) else { return false }
            return true
        }
    }

    /// `timestamp_ns` (exact, from the text) or else `timestamp` (seconds); `.some(nil)` when neither is given,
    /// nil when the tree decoder must decide.
    private mutating func timestamp(_ offsets: MemberOffsets) -> Int64?? {
        if let start = offsets.timestampNanoseconds {
            index = start
            if !consumeLiteral("null") {
                // A plain integer that fits Int64; any other form (a fraction, an exponent, out of range) is left to
                // the tree decoder's rules.
                guard let exact = plainInteger(at: start) else { return nil }
                return .some(exact)
            }
        }
        guard let start = offsets.timestampSeconds else { return .some(nil) }
        switch scalar(at: start) {
        case .null: return .some(nil)
        case .number(let seconds) where seconds.isFinite && abs(seconds) < 9e9:
            return .some(Int64((seconds * 1e9).rounded()))
        default: return nil
        }
    }

    /// `prediction`: a number, a class label, or class probabilities sorted by label.
    private mutating func prediction(at start: Int) -> Prediction? {
        index = start
        guard bytes[index] == UInt8(ascii: "{") else {
            switch scanScalar() {
            case .null: return .absent
            case .bool(let flag): return .classLabel(flag ? "true" : "false")
            case .number(let number): return number.isFinite ? .number(number) : nil
            case .string(let range): return .classLabel(string(range))
            case .composite: return nil
            }
        }
        index += 1
        var probabilities: [ClassProbability] = []
        skipWhitespace()
        guard !consume(UInt8(ascii: "}")) else { return nil }
        while true {
            skipWhitespace()
            guard let label = scanString() else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return nil }
            skipWhitespace()
            guard case .number(let probability) = scanScalar(), (0...1).contains(probability) else { return nil }
            probabilities.append(ClassProbability(label: string(label), probability: probability))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "}")) else { return nil }
            break
        }
        probabilities.sort { $0.label < $1.label }
        // A repeated class is a repeated key: the tree decoder keeps only the last one.
        for position in probabilities.indices.dropFirst()
        where probabilities[position].label == probabilities[position - 1].label {
            return nil
        }
        return .probabilities(probabilities)
    }

    /// The string at `start` if the member is given; `.some(nil)` when absent or null, nil when not a string.
    private mutating func optionalString(at start: Int?) -> String?? {
        guard let start else { return .some(nil) }
        switch scalar(at: start) {
        case .null: return .some(nil)
        case .string(let range): return .some(string(range))
        default: return nil
        }
    }

    // MARK: - Values

    private mutating func scalar(at start: Int) -> Scalar {
        index = start
        return scanScalar()
    }

    /// Reads a scalar at the current position; `.composite` (not consumed) for an object or array, and for anything
    /// that is not valid JSON.
    private mutating func scanScalar() -> Scalar {
        guard index < bytes.count else { return .composite }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            guard let range = scanString() else { return .composite }
            return .string(range)
        case UInt8(ascii: "t"): return consumeLiteral("true") ? .bool(true) : .composite
        case UInt8(ascii: "f"): return consumeLiteral("false") ? .bool(false) : .composite
        case UInt8(ascii: "n"): return consumeLiteral("null") ? .null : .composite
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let number = scanNumber() else { return .composite }
            return .number(number)
        default: return .composite
        }
    }

    /// Skips one valid JSON value of any kind, at most ``maximumDepth`` deep.
    private mutating func skipValue(depth: Int) -> Bool {
        guard index < bytes.count else { return false }
        let opener = bytes[index]
        guard opener == UInt8(ascii: "{") || opener == UInt8(ascii: "[") else {
            if case .composite = scanScalar() { return false }
            return true
        }
        guard depth + 1 <= Self.maximumDepth else { return false }
        let isObject = opener == UInt8(ascii: "{")
        let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        index += 1
        skipWhitespace()
        if consume(closer) { return true }
        while true {
            skipWhitespace()
            if isObject {
                guard scanString() != nil else { return false }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { return false }
                skipWhitespace()
            }
            guard skipValue(depth: depth + 1) else { return false }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            return consume(closer)
        }
    }

    /// The content of the string starting at the current `"`, without escape sequences or control characters.
    private mutating func scanString() -> Range<Int>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// A JSON number read as `Double(String)` reads it: exactly by Clinger's fast path when the digits fit 2^53 and
    /// the power of ten is exact, by the standard library otherwise.
    private mutating func scanNumber() -> Double? {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var exact = true
        func accumulate(_ digit: UInt64) {
            if mantissa == 0 && digit == 0 { return }
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ digit
                significantDigits += 1
            } else {
                exact = false
            }
        }
        guard index < bytes.count, isDigit(bytes[index]) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count && isDigit(bytes[index]) {
                accumulate(UInt64(bytes[index] &- UInt8(ascii: "0")))
                index += 1
            }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { return nil }
            while index < bytes.count && isDigit(bytes[index]) {
                accumulate(UInt64(bytes[index] &- UInt8(ascii: "0")))
                exponent -= 1
                index += 1
            }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentSign = 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                exponentSign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { return nil }
            var explicit = 0
            while index < bytes.count && isDigit(bytes[index]) {
                if explicit < 1_000_000 {
                    explicit = explicit * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                } else {
                    exact = false
                }
                index += 1
            }
            exponent += exponentSign * explicit
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if exact && mantissa <= 1 << 53 && (-22...22).contains(exponent) {
            let magnitude =
                exponent < 0
                ? Double(mantissa) / Self.powersOfTen[-exponent] : Double(mantissa) * Self.powersOfTen[exponent]
            return negative ? -magnitude : magnitude
        }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    /// The plain integer literal (optional `-`, digits, nothing else) at `start` if it fits Int64.
    private func plainInteger(at start: Int) -> Int64? {
        var position = start
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var value: Int64 = 0
        let digitsStart = position
        while position < bytes.count && isDigit(bytes[position]) {
            let digit = Int64(bytes[position] &- UInt8(ascii: "0"))
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowA && !overflowB else { return nil }
            value = next
            position += 1
        }
        guard position > digitsStart else { return nil }
        if position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        return value
    }

    // MARK: - Bytes

    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { expected in
            var offset = 0
            while offset < expected.count {
                if bytes[range.lowerBound + offset] != expected[offset] { return false }
                offset += 1
            }
            return true
        }
    }

    private mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let end = index + literal.utf8CodeUnitCount
        guard end <= bytes.count, equals(index..<end, literal) else { return false }
        index = end
        return true
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
