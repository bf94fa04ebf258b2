/// Resolves each model's ``MonitorConfiguration``: the defaults, then the first glob pattern (in listed order)
/// matching the model name, then an exact model entry. Plain data, so a reload builds a new resolver and hands
/// it to ``MonitorEngine/reconfigure(_:)``.
///
/// In a file:
/// ```yaml
/// defaults: { current_window_events: 2000 }
/// patterns:
///   - match: "fraud-*"
///     data_drift: { p_value: 0.001 }
/// models:
///   fraud-eu: { alerts: { for: 1m } }
/// limits: { max_models: 500 }
/// ```
/// A pattern section layers on the defaults; a model section layers on the pattern that matches it (or the
/// defaults). Decoding does this layering itself.
public struct ConfigurationResolver: Sendable, Hashable, Codable {
    /// One pattern section.
    public struct PatternRule: Sendable, Hashable {
        /// The glob on model names.
        public var pattern: GlobPattern
        /// The configuration for matching models.
        public var configuration: MonitorConfiguration

        /// Creates a rule.
        /// - Parameters:
        ///   - pattern: the glob text.
        ///   - configuration: the configuration for matching models.
        public init(_ pattern: String, _ configuration: MonitorConfiguration) {
            self.pattern = GlobPattern(pattern)
            self.configuration = configuration
        }
    }

    /// Configuration for models matched by nothing else (`defaults`).
    public var defaults: MonitorConfiguration
    /// Glob rules, first match wins (`patterns`).
    public var patterns: [PatternRule]
    /// Exact model names (`models`).
    public var models: [String: MonitorConfiguration]
    /// Engine-wide bounds (`limits`).
    public var limits: EngineLimits

    /// Creates a resolver.
    /// - Parameters:
    ///   - defaults: configuration for unmatched models.
    ///   - patterns: glob rules, first match wins.
    ///   - models: exact model names.
    ///   - limits: engine-wide bounds.
    public init(
        defaults: MonitorConfiguration = MonitorConfiguration(),
        patterns: [PatternRule] = [],
        models: [String: MonitorConfiguration] = [:],
        limits: EngineLimits = EngineLimits()
    ) {
        self.defaults = defaults
        self.patterns = patterns
        self.models = models
        self.limits = limits
    }

    /// The configuration for a model: exact name ← first matching pattern ← defaults.
    /// - Parameter model: the model name.
    /// - Returns: the resolved configuration.
    /// - Complexity: O(patterns × name length).
    public func configuration(forModel model: String) -> MonitorConfiguration {
        if let exact = models[model] { return exact }
        return patternConfiguration(forModel: model)
    }

    /// The configuration from the first matching pattern, or the defaults.
    func patternConfiguration(forModel model: String) -> MonitorConfiguration {
        for rule in patterns where rule.pattern.matches(model) {
            return rule.configuration
        }
        return defaults
    }

    /// Every problem in every section, with key paths such as `models.fraud-eu.data_drift.p_value`.
    /// - Returns: the problems, empty when valid.
    public func validate() -> [ConfigurationProblem] {
        var problems = defaults.validate().map { $0.prefixed("defaults") }
        for (index, rule) in patterns.enumerated() {
            if rule.pattern.pattern.isEmpty {
                problems.append(ConfigurationProblem(keyPath: "patterns[\(index)].match", message: "must not be empty"))
            }
            problems += rule.configuration.validate().map { $0.prefixed("patterns[\(index)]") }
        }
        for name in models.keys.sorted() {
            problems += (models[name]?.validate() ?? []).map { $0.prefixed("models.\(name)") }
        }
        problems += limits.validate().map { $0.prefixed("limits") }
        return problems
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case defaults
        case patterns
        case models
        case limits
    }

    enum PatternKeys: String, CodingKey {
        case match
    }

    /// Decodes with layering: patterns on defaults, models on their pattern (or defaults).
    /// - Throws: `DecodingError` naming the key for a wrong type, an invalid value or an unknown key.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaults = try c.section(.defaults, base: MonitorConfiguration())
        limits = try c.value(.limits, or: EngineLimits())
        patterns = []
        if c.contains(.patterns) {
            var list = try c.nestedUnkeyedContainer(forKey: .patterns)
            while !list.isAtEnd {
                let element = try list.superDecoder()
                let keyed = try element.container(keyedBy: DynamicCodingKey.self)
                let match = try keyed.decode(String.self, forKey: DynamicCodingKey("match"))
                let body = try MonitorConfiguration(from: element, base: defaults, allowing: ["match"])
                patterns.append(PatternRule(match, body))
            }
        }
        models = [:]
        if c.contains(.models) {
            let map = try c.nestedContainer(keyedBy: DynamicCodingKey.self, forKey: .models)
            let partial = ConfigurationResolver(defaults: defaults, patterns: patterns)
            for key in map.allKeys {
                models[key.stringValue] = try MonitorConfiguration(
                    from: try map.superDecoder(forKey: key),
                    base: partial.patternConfiguration(forModel: key.stringValue)
                )
            }
        }
    }

    /// Encodes `defaults`, `patterns` (each with its `match`), `models` and `limits`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(defaults, forKey: .defaults)
        var list = c.nestedUnkeyedContainer(forKey: .patterns)
        for rule in patterns {
            let element = list.superEncoder()
            try rule.configuration.encode(to: element)
            var keyed = element.container(keyedBy: PatternKeys.self)
            try keyed.encode(rule.pattern.pattern, forKey: .match)
        }
        try c.encode(models, forKey: .models)
        try c.encode(limits, forKey: .limits)
    }
}
