/// An event-time range, ns since the Unix epoch, both ends inclusive.
public struct TimeRange: Sendable, Hashable, Codable {
    /// First event time in the range.
    public var start: Int64
    /// Last event time in the range.
    public var end: Int64

    /// Creates a range.
    /// - Parameters:
    ///   - start: first event time, ns.
    ///   - end: last event time, ns.
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    enum CodingKeys: String, CodingKey {
        case start = "start_ns"
        case end = "end_ns"
    }
}

/// A window that took part in a test: how many observations and which event times.
public struct WindowSummary: Sendable, Hashable, Codable {
    /// Number of observations in the window.
    public var size: Int
    /// Event-time range of the window.
    public var range: TimeRange

    /// Creates a window summary.
    /// - Parameters:
    ///   - size: number of observations.
    ///   - range: event-time range.
    public init(size: Int, range: TimeRange) {
        self.size = size
        self.range = range
    }
}

/// One feature's contribution to a drift alert.
public struct FeatureScore: Sendable, Hashable, Codable {
    /// The feature name.
    public var feature: String
    /// Its statistic value (same statistic as the evidence).
    public var value: Double

    /// Creates a feature score.
    /// - Parameters:
    ///   - feature: the feature name.
    ///   - value: the statistic value.
    public init(feature: String, value: Double) {
        self.feature = feature
        self.value = value
    }
}

/// The statistical evidence behind an alert or a retrain trigger. All numbers are finite.
public struct AlertEvidence: Sendable, Hashable, Codable {
    /// The statistic's name, e.g. `ks`, `psi`, `wasserstein`, `chi_square`, `ddm`, `p99_ratio`.
    public var statistic: String
    /// The statistic's value.
    public var value: Double
    /// The p-value, for statistics that have one.
    public var pValue: Double?
    /// The threshold the value crossed.
    public var threshold: Double
    /// The reference window.
    public var reference: WindowSummary
    /// The current window.
    public var current: WindowSummary
    /// The features that contributed most, largest first (may be empty).
    public var topFeatures: [FeatureScore]

    /// Creates evidence.
    /// - Parameters:
    ///   - statistic: the statistic's name.
    ///   - value: its value.
    ///   - pValue: its p-value, if any.
    ///   - threshold: the threshold crossed.
    ///   - reference: the reference window.
    ///   - current: the current window.
    ///   - topFeatures: the most contributing features.
    public init(
        statistic: String,
        value: Double,
        pValue: Double? = nil,
        threshold: Double,
        reference: WindowSummary,
        current: WindowSummary,
        topFeatures: [FeatureScore] = []
    ) {
        self.statistic = statistic
        self.value = value
        self.pValue = pValue
        self.threshold = threshold
        self.reference = reference
        self.current = current
        self.topFeatures = topFeatures
    }

    enum CodingKeys: String, CodingKey {
        case statistic
        case value
        case pValue = "p_value"
        case threshold
        case reference
        case current
        case topFeatures = "top_features"
    }
}
