import Foundation

/// What a scenario contains and which alerts it must raise (testdata/*.truth.json, docs/backtest.md).
public struct ScenarioTruth: Sendable, Hashable, Codable {
    /// An alert, matched on model, version, kind and (when given) feature.
    public struct AlertSpec: Sendable, Hashable, Codable {
        /// The model (nil: any).
        public var model: String?
        /// The model version (nil: any).
        public var version: String?
        /// The alert kind (`data_drift`, `error_rate`, …).
        public var kind: String
        /// The feature (nil: any, including none).
        public var feature: String?

        /// Creates a spec.
        public init(model: String? = nil, version: String? = nil, kind: String, feature: String? = nil) {
            self.model = model
            self.version = version
            self.kind = kind
            self.feature = feature
        }
    }

    /// One incident: when it was in force and what it must raise.
    public struct Incident: Sendable, Hashable, Codable {
        /// A readable name (e.g. the `driftwatch simulate --incident` spec).
        public var name: String
        /// Start, ns since the epoch.
        public var startNanoseconds: Int64
        /// End (exclusive), ns since the epoch.
        public var endNanoseconds: Int64
        /// Alerts that must fire, each within ``maxDelaySeconds`` of the start.
        public var expected: [AlertSpec]
        /// Alerts that may accompany it (a consequence, not a false alarm) while it is in force and up to
        /// ``maxDelaySeconds`` after it ends.
        public var allowed: [AlertSpec]
        /// The longest acceptable detection delay, in seconds.
        public var maxDelaySeconds: Double

        /// Creates an incident.
        public init(
            name: String,
            startNanoseconds: Int64,
            endNanoseconds: Int64,
            expected: [AlertSpec],
            allowed: [AlertSpec] = [],
            maxDelaySeconds: Double
        ) {
            self.name = name
            self.startNanoseconds = startNanoseconds
            self.endNanoseconds = endNanoseconds
            self.expected = expected
            self.allowed = allowed
            self.maxDelaySeconds = maxDelaySeconds
        }

        enum CodingKeys: String, CodingKey {
            case name, expected, allowed
            case startNanoseconds = "start_ns"
            case endNanoseconds = "end_ns"
            case maxDelaySeconds = "max_delay_s"
        }
    }

    /// The scenario's name.
    public var scenario: String
    /// What it shows.
    public var description: String
    /// Its input files, relative to the truth file.
    public var files: [String]
    /// Events in the input.
    public var events: Int
    /// The incidents (none for a stationary scenario).
    public var incidents: [Incident]

    /// Creates a ground truth.
    public init(scenario: String, description: String, files: [String], events: Int, incidents: [Incident]) {
        self.scenario = scenario
        self.description = description
        self.files = files
        self.events = events
        self.incidents = incidents
    }

    /// Reads a truth file.
    /// - Parameter path: the JSON file.
    /// - Throws: ``ReplayError`` `io` or `invalid_configuration`.
    public static func load(path: String) throws(ReplayError) -> ScenarioTruth {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReplayError(.io, "cannot read \(path)")
        }
        do {
            return try JSONDecoder().decode(ScenarioTruth.self, from: data)
        } catch {
            throw ReplayError(.invalidConfiguration, "\(path) is not a ground-truth file: \(error)")
        }
    }

    /// The file's JSON (sorted keys, pretty-printed).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }
}

extension ScenarioTruth.AlertSpec {
    /// Whether a fired alert matches the spec.
    public func matches(model: String, version: String, kind: String, feature: String?) -> Bool {
        (self.model == nil || self.model == model) && (self.version == nil || self.version == version)
            && self.kind == kind && (self.feature == nil || self.feature == feature)
    }
}
