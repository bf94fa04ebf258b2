/// Where a model's reference distributions come from.
///
/// In a file: `{policy: first_events, events: 1000}`, `{policy: lagged_window, lag_events: 5000, size_events: 1000}`,
/// `{policy: baseline, baseline: {…}}` (an inline ``Baseline``), or `{policy: baseline_file, path: "…"}` which the
/// configuration loader replaces by `.baseline` after reading the file (the engine does no I/O; an unresolved
/// file falls back to the first ``MonitorConfiguration/currentWindowEvents`` events).
public enum ReferencePolicy: Sendable, Hashable, Codable {
    /// The first `count` events of each model version form the reference; it stays fixed until reset.
    case firstEvents(Int)
    /// A baseline built from training data (``BaselineBuilder``).
    case baseline(Baseline)
    /// A baseline file, to be loaded by the configuration loader.
    case baselineFile(String)
    /// A sliding reference: the `sizeEvents` events observed just before the most recent `lagEvents`.
    case laggedWindow(lagEvents: Int, sizeEvents: Int)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policy
        case events
        case baseline
        case path
        case lagEvents = "lag_events"
        case sizeEvents = "size_events"
    }

    /// Decodes `{policy: …, …}`.
    /// - Throws: `DecodingError` for an unknown policy, a missing field or an unknown key.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let policy = try c.decode(String.self, forKey: .policy)
        switch policy {
        case "first_events":
            self = .firstEvents(try c.value(.events, or: 1000))
        case "baseline":
            self = .baseline(try c.decode(Baseline.self, forKey: .baseline))
        case "baseline_file":
            self = .baselineFile(try c.decode(String.self, forKey: .path))
        case "lagged_window":
            self = .laggedWindow(
                lagEvents: try c.value(.lagEvents, or: 5000),
                sizeEvents: try c.value(.sizeEvents, or: 1000)
            )
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .policy,
                in: c,
                debugDescription:
                    "expected one of first_events, baseline, baseline_file, lagged_window, got '\(policy)'"
            )
        }
    }

    /// Encodes `{policy: …, …}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .firstEvents(let count):
            try c.encode("first_events", forKey: .policy)
            try c.encode(count, forKey: .events)
        case .baseline(let baseline):
            try c.encode("baseline", forKey: .policy)
            try c.encode(baseline, forKey: .baseline)
        case .baselineFile(let path):
            try c.encode("baseline_file", forKey: .policy)
            try c.encode(path, forKey: .path)
        case .laggedWindow(let lag, let size):
            try c.encode("lagged_window", forKey: .policy)
            try c.encode(lag, forKey: .lagEvents)
            try c.encode(size, forKey: .sizeEvents)
        }
    }

    /// The policy's name as written in files.
    public var name: String {
        switch self {
        case .firstEvents: "first_events"
        case .baseline: "baseline"
        case .baselineFile: "baseline_file"
        case .laggedWindow: "lagged_window"
        }
    }
}
