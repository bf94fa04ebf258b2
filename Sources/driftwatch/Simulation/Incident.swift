import ArgumentParser
import Foundation

/// What a scheduled incident of `driftwatch simulate` does to the traffic.
enum IncidentKind: String, CaseIterable, Sendable {
    /// Shifts one feature's distribution: numeric by MAGNITUDE standard deviations, categorical by reweighting.
    case featureDrift = "feature_drift"
    /// Adds MAGNITUDE to the model's logit score, so predicted probabilities move.
    case predictionDrift = "prediction_drift"
    /// Raises the share of error outcomes to MAGNITUDE.
    case errorSpike = "error_spike"
    /// Multiplies latency by MAGNITUDE.
    case latencySpike = "latency_spike"
    /// Scales the request rate by MAGNITUDE (0 stops traffic).
    case trafficDrop = "traffic_drop"
    /// Makes ground truth disagree with the prediction at rate MAGNITUDE.
    case accuracyDrop = "accuracy_drop"

    /// The magnitude used when a spec has no `*MAGNITUDE`.
    var defaultMagnitude: Double {
        switch self {
        case .featureDrift: 2
        case .predictionDrift: 1.5
        case .errorSpike: 0.2
        case .latencySpike: 3
        case .trafficDrop: 0.1
        case .accuracyDrop: 0.4
        }
    }

    /// The magnitudes that make sense, with a sentence for the error message.
    var magnitudeRule: (accepts: (Double) -> Bool, text: String) {
        switch self {
        case .featureDrift, .predictionDrift: ({ $0.isFinite && $0.magnitude <= 1000 }, "a number from -1000 to 1000")
        case .errorSpike, .accuracyDrop: ({ (0...1).contains($0) }, "a rate from 0 to 1")
        case .latencySpike: ({ $0 > 0 && $0 <= 1000 }, "a factor above 0 and at most 1000")
        case .trafficDrop: ({ (0...1).contains($0) }, "a factor from 0 to 1")
        }
    }
}

/// One scheduled incident: `KIND@START+LENGTH[:TARGET][*MAGNITUDE]`, times in seconds from the start of the run.
struct Incident: Sendable, Hashable, CustomStringConvertible {
    /// What happens.
    var kind: IncidentKind
    /// When it starts, in seconds of event time after the start of the run.
    var start: Double
    /// How long it lasts, in seconds (> 0).
    var length: Double
    /// The feature a `feature_drift` acts on; `nil` for the other kinds.
    var target: String?
    /// How strong it is; the meaning depends on ``kind``.
    var magnitude: Double

    /// The grammar, for `--help` and error messages.
    static let grammar = "KIND@START+LENGTH[:TARGET][*MAGNITUDE]"

    /// Parses a spec such as `feature_drift@20+30:amount*3`.
    /// - Parameters:
    ///   - spec: the text given to `--incident`.
    ///   - features: the feature names a `feature_drift` may target; the first is the default target.
    /// - Throws: `ValidationError` naming the spec and the part that is wrong.
    init(parsing spec: String, features: [String]) throws {
        func failure(_ problem: String) -> ValidationError {
            ValidationError("Invalid --incident '\(spec)': \(problem). Expected \(Incident.grammar).")
        }
        guard let at = spec.firstIndex(of: "@") else { throw failure("missing '@START'") }
        let kindText = String(spec[..<at])
        guard let kind = IncidentKind(rawValue: kindText) else {
            let kinds = IncidentKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw failure("unknown kind '\(kindText)' (one of \(kinds))")
        }
        var rest = spec[spec.index(after: at)...]
        var magnitudeText: Substring?
        if let star = rest.firstIndex(of: "*") {
            magnitudeText = rest[rest.index(after: star)...]
            rest = rest[..<star]
        }
        var targetText: Substring?
        if let colon = rest.firstIndex(of: ":") {
            targetText = rest[rest.index(after: colon)...]
            rest = rest[..<colon]
        }
        guard let plus = rest.firstIndex(of: "+") else { throw failure("missing '+LENGTH' after START") }
        let startText = rest[..<plus]
        let lengthText = rest[rest.index(after: plus)...]
        guard let start = Self.seconds(startText), start >= 0 else {
            throw failure("START '\(startText)' must be a number of seconds ≥ 0")
        }
        guard let length = Self.seconds(lengthText), length > 0 else {
            throw failure("LENGTH '\(lengthText)' must be a number of seconds > 0")
        }
        var magnitude = kind.defaultMagnitude
        if let magnitudeText {
            guard let value = Self.number(magnitudeText), kind.magnitudeRule.accepts(value) else {
                throw failure("MAGNITUDE '\(magnitudeText)' of \(kind.rawValue) must be \(kind.magnitudeRule.text)")
            }
            magnitude = value
        }
        var target: String?
        if kind == .featureDrift {
            let name = targetText.map(String.init) ?? features[0]
            guard features.contains(name) else {
                throw failure("unknown feature '\(name)' (one of \(features.joined(separator: ", ")))")
            }
            target = name
        } else if let targetText {
            throw failure("only feature_drift takes a ':TARGET', \(kind.rawValue) got '\(targetText)'")
        }
        self.init(kind: kind, start: start, length: length, target: target, magnitude: magnitude)
    }

    init(kind: IncidentKind, start: Double, length: Double, target: String?, magnitude: Double) {
        self.kind = kind
        self.start = start
        self.length = length
        self.target = target
        self.magnitude = magnitude
    }

    /// Whether the incident is in effect `seconds` after the start (start inclusive, end exclusive).
    func isActive(at seconds: Double) -> Bool { seconds >= start && seconds < start + length }

    /// The spec in canonical form, with the defaults filled in.
    var description: String {
        let target = self.target.map { ":\($0)" } ?? ""
        return "\(kind.rawValue)@\(Self.format(start))+\(Self.format(length))\(target)*\(Self.format(magnitude))"
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && value.magnitude < 1e15 ? String(Int64(value)) : String(value)
    }

    private static func number(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "+" }),
            let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    private static func seconds(_ text: Substring) -> Double? {
        guard let value = number(text), value <= 1e9 else { return nil }
        return value
    }
}
