import DriftProtocol
import Foundation

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
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw AgentError(.invalidJSON, "a line must be a JSON object")
            }
            object = parsed
        } catch let error as AgentError {
            throw error
        } catch {
            throw AgentError(.invalidJSON, "not JSON: \(Self.describe(error))")
        }
        guard let model = try string(object, "model") ?? defaultModel, !model.isEmpty else {
            throw AgentError(.invalidJSON, "\"model\" is missing")
        }
        let version = try string(object, "version") ?? defaultVersion
        let timestamp = try Self.timestamp(object) ?? now
        switch try string(object, "type") ?? "event" {
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
        _ object: [String: Any],
        model: String,
        version: String,
        timestamp: Int64
    ) throws(AgentError)
        -> AgentEvent
    {
        var event = AgentEvent(model: model, modelVersion: version, timestamp: timestamp)
        event.requestID = try string(object, "request_id")
        if let latency = object["latency_ms"], !(latency is NSNull) {
            guard let milliseconds = Self.number(latency), milliseconds.isFinite, milliseconds >= 0 else {
                throw AgentError(.invalidJSON, "\"latency_ms\" must be a non-negative number")
            }
            event.latencyMicroseconds = milliseconds * 1000
        }
        event.outcome = try Self.outcome(object["outcome"])
        event.prediction = try Self.prediction(object["prediction"])
        if let features = object["features"], !(features is NSNull) {
            guard let features = features as? [String: Any] else {
                throw AgentError(.invalidJSON, "\"features\" must be an object")
            }
            for (name, value) in features {
                if value is NSNull {
                    event.numericFeatures[name] = .nan
                } else if let flag = Self.boolean(value) {
                    event.categoricalFeatures[name] = flag ? "true" : "false"
                } else if let number = Self.number(value) {
                    guard number.isFinite else {
                        throw AgentError(.invalidJSON, "feature \"\(name)\" is not a finite number")
                    }
                    event.numericFeatures[name] = number
                } else if let text = value as? String {
                    event.categoricalFeatures[name] = .some(text)
                } else {
                    throw AgentError(.invalidJSON, "feature \"\(name)\" must be a number, string, boolean or null")
                }
            }
        }
        if let metrics = object["metrics"], !(metrics is NSNull) {
            guard let metrics = metrics as? [String: Any] else {
                throw AgentError(.invalidJSON, "\"metrics\" must be an object")
            }
            for (name, value) in metrics {
                guard let number = Self.number(value), number.isFinite else {
                    throw AgentError(.invalidJSON, "metric \"\(name)\" must be a finite number")
                }
                event.customMetrics[name] = number
            }
        }
        return event
    }

    private func string(_ object: [String: Any], _ key: String) throws(AgentError) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw AgentError(.invalidJSON, "\"\(key)\" must be a string") }
        return text
    }

    private static func timestamp(_ object: [String: Any]) throws(AgentError) -> Int64? {
        if let value = object["timestamp_ns"], !(value is NSNull) {
            guard let number = value as? NSNumber, !isBoolean(number),
                let nanoseconds = Int64(exactly: number.doubleValue)
                    ?? Int64(exactly: number.int64Value)
            else { throw AgentError(.invalidJSON, "\"timestamp_ns\" must be an integer") }
            return nanoseconds
        }
        if let value = object["timestamp"], !(value is NSNull) {
            guard let seconds = number(value), seconds.isFinite, abs(seconds) < 9e9 else {
                throw AgentError(.invalidJSON, "\"timestamp\" must be seconds since the epoch")
            }
            return Int64((seconds * 1e9).rounded())
        }
        return nil
    }

    private static func outcome(_ value: Any?) throws(AgentError) -> Outcome {
        guard let value, !(value is NSNull) else { return .ok }
        if let text = value as? String {
            switch text {
            case "ok": return .ok
            case "error": return .error(code: 1)
            default: throw AgentError(.invalidJSON, "\"outcome\" must be \"ok\", \"error\" or a code, not \"\(text)\"")
            }
        }
        guard let code = number(value), let wire = UInt16(exactly: code) else {
            throw AgentError(.invalidJSON, "\"outcome\" code must be an integer 0…65535")
        }
        return Outcome(wireCode: wire)
    }

    private static func prediction(_ value: Any?) throws(AgentError) -> Prediction {
        guard let value, !(value is NSNull) else { return .absent }
        if let flag = boolean(value) { return .classLabel(flag ? "true" : "false") }
        if let number = number(value) {
            guard number.isFinite else { throw AgentError(.invalidJSON, "\"prediction\" is not finite") }
            return .number(number)
        }
        if let text = value as? String { return .classLabel(text) }
        if let classes = value as? [String: Any], !classes.isEmpty {
            var probabilities: [ClassProbability] = []
            for (label, probability) in classes.sorted(by: { $0.key < $1.key }) {
                guard let probability = number(probability), (0...1).contains(probability) else {
                    throw AgentError(.invalidJSON, "probability of class \"\(label)\" must be in [0, 1]")
                }
                probabilities.append(ClassProbability(label: label, probability: probability))
            }
            return .probabilities(probabilities)
        }
        throw AgentError(.invalidJSON, "\"prediction\" must be a number, a class label or class probabilities")
    }

    private static func groundTruth(_ value: Any?) throws(AgentError) -> GroundTruth {
        if let value, let flag = boolean(value) { return .classLabel(flag ? "true" : "false") }
        if let value, let number = number(value), number.isFinite { return .number(number) }
        if let text = value as? String, !text.isEmpty { return .classLabel(text) }
        throw AgentError(.invalidJSON, "a label needs \"label\": a finite number or a class label")
    }

    private static func number(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        return number.doubleValue
    }

    private static func boolean(_ value: Any) -> Bool? {
        guard let number = value as? NSNumber, isBoolean(number) else { return nil }
        return number.boolValue
    }

    /// JSONSerialization hands booleans back as NSNumber whose type encoding is "c" (char); it never makes a
    /// char-typed number from a JSON number.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        number.objCType.pointee == CChar(UInt8(ascii: "c"))
    }

    private static func describe(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
    }
}
