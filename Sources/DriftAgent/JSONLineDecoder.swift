import DriftProtocol

/// Decodes the agent's JSON-lines ingest format (docs/agent.md, "JSON lines"): one object per line, an event or a
/// label, as sent by models that report themselves over UDP, a Unix socket or ZeroMQ `ipc://`.
///
/// ```json
/// {"model":"fraud","version":"v3","request_id":"r-1","latency_ms":12.5,"outcome":"ok",
///  "prediction":0.93,"features":{"amount":120.5,"country":"DE","age":null},"metrics":{"tokens":87}}
/// {"type":"label","model":"fraud","version":"v3","request_id":"r-1","label":1}
/// ```
///
/// Numbers are numeric features, strings and booleans categorical, null missing. `timestamp` is seconds since
/// the epoch (fractional), `timestamp_ns` integer nanoseconds; absent, the time of arrival is used. `outcome` is
/// `"ok"`, `"error"` (code 1), or an integer code (0 = ok, e.g. an HTTP status). `prediction` is a number, a class
/// label, or an object of class probabilities.
public struct JSONLineDecoder: Sendable {
    /// One decoded line.
    public enum Item: Sendable, Equatable {
        /// A prediction event.
        case event(AgentEvent)
        /// A delayed label.
        case label(AgentLabel)
    }

    /// The model used when a line names none (nil: such lines are refused).
    public var defaultModel: String?
    /// The version used when a line names none.
    public var defaultVersion: String

    /// Creates a decoder.
    /// - Parameters:
    ///   - defaultModel: the model for lines without `model`.
    ///   - defaultVersion: the version for lines without `version`.
    public init(defaultModel: String? = nil, defaultVersion: String = "") {
        self.defaultModel = defaultModel
        self.defaultVersion = defaultVersion
    }

    /// Decodes one line.
    /// - Parameters:
    ///   - line: the JSON text of one object.
    ///   - now: the arrival time (ns since the epoch), used when the line has no timestamp.
    /// - Throws: ``AgentError`` with code `invalid_json` and a message naming the field.
    public func decode(_ line: some Collection<UInt8>, now: Int64) throws(AgentError) -> Item {
        // The common event line is read straight from its bytes; everything else (labels, escapes, refusals) by the
        // tree decoder below, which owns the error messages.
        let scanned = line.withContiguousStorageIfAvailable { bytes in
            JSONLineScanner.event(in: bytes, defaultModel: defaultModel, defaultVersion: defaultVersion, now: now)
        }
        if let event = scanned ?? nil { return .event(event) }
        let bytes = Array(line)
        if scanned == nil,
            let event = bytes.withUnsafeBufferPointer({ bytes in
                JSONLineScanner.event(in: bytes, defaultModel: defaultModel, defaultVersion: defaultVersion, now: now)
            })
        {
            return .event(event)
        }
        return try decode(JSONValue.parse(bytes), text: bytes, now: now)
    }

    /// Decodes one already parsed object (e.g. an element of a JSON array of labels).
    /// - Parameters:
    ///   - value: the object.
    ///   - text: the object's JSON text, when at hand (read for an exact `timestamp_ns`).
    ///   - now: the arrival time (ns since the epoch), used when the object has no timestamp.
    ///   - defaultType: the type of an object without `type`.
    /// - Throws: ``AgentError`` with code `invalid_json` and a message naming the field.
    public func decode(
        _ value: JSONValue,
        text: [UInt8]? = nil,
        now: Int64,
        defaultType: String = "event"
    )
        throws(AgentError) -> Item
    {
        guard case .object(let object) = value else {
            throw AgentError(.invalidJSON, "a line must be a JSON object")
        }
        guard let model = try string(object, "model") ?? defaultModel, !model.isEmpty else {
            throw AgentError(.invalidJSON, "\"model\" is missing")
        }
        let version = try string(object, "version") ?? defaultVersion
        let timestamp = try Self.timestamp(object, text) ?? now
        switch try string(object, "type") ?? defaultType {
        case "event":
            return .event(try event(object, model: model, version: version, timestamp: timestamp))
        case "label":
            guard let requestID = try string(object, "request_id"), !requestID.isEmpty else {
                throw AgentError(.invalidJSON, "a label needs \"request_id\"")
            }
            return .label(
                AgentLabel(
                    model: model,
                    modelVersion: version,
                    timestamp: timestamp,
                    requestID: requestID,
                    groundTruth: try Self.groundTruth(object["label"])
                )
            )
        case let other:
            throw AgentError(.invalidJSON, "\"type\" must be \"event\" or \"label\", not \"\(other)\"")
        }
    }

    private func event(
        _ object: [String: JSONValue],
        model: String,
        version: String,
        timestamp: Int64
    )
        throws(AgentError) -> AgentEvent
    {
        var event = AgentEvent(model: model, modelVersion: version, timestamp: timestamp)
        event.requestID = try string(object, "request_id")
        switch object["latency_ms"] {
        case nil, .null?: break
        case .number(let milliseconds)? where milliseconds.isFinite && milliseconds >= 0:
            event.latencyMicroseconds = milliseconds * 1000
        default: throw AgentError(.invalidJSON, "\"latency_ms\" must be a non-negative number")
        }
        event.outcome = try Self.outcome(object["outcome"])
        event.prediction = try Self.prediction(object["prediction"])
        switch object["features"] {
        case nil, .null?: break
        case .object(let features)?:
            for (name, value) in features {
                switch value {
                case .null: event.numericFeatures[name] = .nan
                case .bool(let flag): event.categoricalFeatures[name] = flag ? "true" : "false"
                case .number(let number):
                    guard number.isFinite else {
                        throw AgentError(.invalidJSON, "feature \"\(name)\" is not a finite number")
                    }
                    event.numericFeatures[name] = number
                case .string(let text): event.categoricalFeatures[name] = .some(text)
                case .array, .object:
                    throw AgentError(.invalidJSON, "feature \"\(name)\" must be a number, string, boolean or null")
                }
            }
        default: throw AgentError(.invalidJSON, "\"features\" must be an object")
        }
        switch object["metrics"] {
        case nil, .null?: break
        case .object(let metrics)?:
            for (name, value) in metrics {
                guard case .number(let number) = value, number.isFinite else {
                    throw AgentError(.invalidJSON, "metric \"\(name)\" must be a finite number")
                }
                event.customMetrics[name] = number
            }
        default: throw AgentError(.invalidJSON, "\"metrics\" must be an object")
        }
        return event
    }

    private func string(_ object: [String: JSONValue], _ key: String) throws(AgentError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw AgentError(.invalidJSON, "\"\(key)\" must be a string")
        }
    }

    /// `timestamp_ns` is read from the line's text, since a double cannot hold today's nanosecond timestamps
    /// exactly; `timestamp` (seconds) is a double anyway.
    private static func timestamp(_ object: [String: JSONValue], _ bytes: [UInt8]?) throws(AgentError) -> Int64? {
        switch object["timestamp_ns"] {
        case nil, .null?: break
        case .number(let value)? where value == value.rounded() && abs(value) < 9.3e18:
            // Between Int64.max and 9.3e18 only the exact text can be in range: the double itself is not.
            if let exact = bytes.flatMap({ exactInteger(after: "\"timestamp_ns\"", in: $0) }) ?? Int64(exactly: value) {
                return exact
            }
            throw AgentError(.invalidJSON, "\"timestamp_ns\" is out of range")
        default: throw AgentError(.invalidJSON, "\"timestamp_ns\" must be an integer")
        }
        switch object["timestamp"] {
        case nil, .null?: return nil
        case .number(let seconds)? where seconds.isFinite && abs(seconds) < 9e9:
            return Int64((seconds * 1e9).rounded())
        default: throw AgentError(.invalidJSON, "\"timestamp\" must be seconds since the epoch")
        }
    }

    /// The integer literal that follows `key` and a colon in `bytes`, if it is a plain integer.
    private static func exactInteger(after key: String, in bytes: [UInt8]) -> Int64? {
        // Walk the top-level object only (depth 1, outside strings), so a nested member of the same name is not
        // taken for it; when the key repeats, the last one wins, as in the parsed document.
        let pattern = Array(key.utf8)
        var found: Int64?
        var depth = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: "\""):
                let stringStart = index
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if depth == 1 && bytes[stringStart..<min(index + 1, bytes.count)].elementsEqual(pattern) {
                    var value = index + 1
                    while value < bytes.count && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[value]) { value += 1 }
                    if value < bytes.count && bytes[value] == UInt8(ascii: ":") {
                        found = integerLiteral(in: bytes, from: value + 1)
                    }
                }
            default:
                break
            }
            index += 1
        }
        return found
    }

    /// The plain integer literal starting at `start` (after whitespace), or nil if the value is anything else.
    private static func integerLiteral(in bytes: [UInt8], from start: Int) -> Int64? {
        var index = start
        while index < bytes.count && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        var end = index
        if end < bytes.count && bytes[end] == UInt8(ascii: "-") { end += 1 }
        while end < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
        guard end > index, end == bytes.count || [0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x7D].contains(bytes[end]) else {
            return nil
        }
        return Int64(String(decoding: bytes[index..<end], as: UTF8.self))
    }

    private static func outcome(_ value: JSONValue?) throws(AgentError) -> Outcome {
        switch value {
        case nil, .null?, .string("ok")?: return .ok
        case .string("error")?: return .error(code: 1)
        case .number(let code)?:
            guard let wire = UInt16(exactly: code) else {
                throw AgentError(.invalidJSON, "\"outcome\" code must be an integer 0…65535")
            }
            return Outcome(wireCode: wire)
        default: throw AgentError(.invalidJSON, "\"outcome\" must be \"ok\", \"error\" or a code 0…65535")
        }
    }

    private static func prediction(_ value: JSONValue?) throws(AgentError) -> Prediction {
        switch value {
        case nil, .null?: return .absent
        case .bool(let flag)?: return .classLabel(flag ? "true" : "false")
        case .number(let number)?:
            guard number.isFinite else { throw AgentError(.invalidJSON, "\"prediction\" is not finite") }
            return .number(number)
        case .string(let text)?: return .classLabel(text)
        case .object(let classes)? where !classes.isEmpty:
            var probabilities: [ClassProbability] = []
            for (label, probability) in classes.sorted(by: { $0.key < $1.key }) {
                guard case .number(let probability) = probability, (0...1).contains(probability) else {
                    throw AgentError(.invalidJSON, "probability of class \"\(label)\" must be in [0, 1]")
                }
                probabilities.append(ClassProbability(label: label, probability: probability))
            }
            return .probabilities(probabilities)
        default:
            throw AgentError(.invalidJSON, "\"prediction\" must be a number, a class label or class probabilities")
        }
    }

    private static func groundTruth(_ value: JSONValue?) throws(AgentError) -> GroundTruth {
        switch value {
        case .bool(let flag)?: return .classLabel(flag ? "true" : "false")
        case .number(let number)? where number.isFinite: return .number(number)
        case .string(let text)? where !text.isEmpty: return .classLabel(text)
        default: throw AgentError(.invalidJSON, "a label needs \"label\": a finite number or a class label")
        }
    }
}
