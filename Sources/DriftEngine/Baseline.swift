import DriftProtocol

/// A compact reference made from training data (or any recorded traffic): per numeric feature a sorted sample
/// (at most ``BaselineBuilder/sampleSize`` values, a deterministic reservoir) with its summary and equal-frequency
/// bin edges; per categorical feature the category frequencies; the prediction likewise; and optional latency,
/// error-rate, request-rate and quality references.
///
/// Memory and file size: about `8·sampleSize + 100` bytes per numeric feature (8 KB at the default 1 000).
public struct Baseline: Sendable, Hashable, Codable {
    /// Summary of one numeric stream.
    public struct NumericSummary: Sendable, Hashable, Codable {
        /// Non-missing values seen.
        public var count: Int
        /// Missing values seen.
        public var missingCount: Int
        /// Mean of the non-missing values.
        public var mean: Double
        /// Population standard deviation of the non-missing values.
        public var standardDeviation: Double
        /// Smallest value.
        public var minimum: Double
        /// Largest value.
        public var maximum: Double
        /// The sample, sorted ascending.
        public var sortedSample: [Double]
        /// Equal-frequency bin edges (numpy linear quantiles of the sample).
        public var binEdges: [Double]

        /// Creates a summary.
        public init(
            count: Int,
            missingCount: Int,
            mean: Double,
            standardDeviation: Double,
            minimum: Double,
            maximum: Double,
            sortedSample: [Double],
            binEdges: [Double]
        ) {
            self.count = count
            self.missingCount = missingCount
            self.mean = mean
            self.standardDeviation = standardDeviation
            self.minimum = minimum
            self.maximum = maximum
            self.sortedSample = sortedSample
            self.binEdges = binEdges
        }

        /// Share of missing values.
        public var missingRate: Double {
            count + missingCount == 0 ? 0 : Double(missingCount) / Double(count + missingCount)
        }

        enum CodingKeys: String, CodingKey {
            case count
            case missingCount = "missing_count"
            case mean
            case standardDeviation = "std"
            case minimum = "min"
            case maximum = "max"
            case sortedSample = "sample"
            case binEdges = "bin_edges"
        }
    }

    /// Summary of one categorical stream.
    public struct CategoricalSummary: Sendable, Hashable, Codable {
        /// Categories, most frequent first (ties by name).
        public var categories: [String]
        /// Counts, same order.
        public var counts: [UInt64]
        /// Values of categories beyond the kept ones.
        public var otherCount: UInt64
        /// Missing values seen.
        public var missingCount: Int

        /// Creates a summary.
        public init(categories: [String], counts: [UInt64], otherCount: UInt64 = 0, missingCount: Int = 0) {
            self.categories = categories
            self.counts = counts
            self.otherCount = otherCount
            self.missingCount = missingCount
        }

        /// Non-missing values.
        public var count: Int { Int(counts.reduce(otherCount, +)) }

        /// Share of missing values.
        public var missingRate: Double {
            count + missingCount == 0 ? 0 : Double(missingCount) / Double(count + missingCount)
        }

        enum CodingKeys: String, CodingKey {
            case categories
            case counts
            case otherCount = "other_count"
            case missingCount = "missing_count"
        }
    }

    /// Reference latency quantiles in µs.
    public struct LatencySummary: Sendable, Hashable, Codable {
        /// Latencies seen.
        public var count: Int
        /// Median.
        public var p50: Double
        /// 95th percentile.
        public var p95: Double
        /// 99th percentile.
        public var p99: Double

        /// Creates a summary.
        public init(count: Int, p50: Double, p95: Double, p99: Double) {
            self.count = count
            self.p50 = p50
            self.p95 = p95
            self.p99 = p99
        }
    }

    /// Format version of the baseline file (1).
    public var formatVersion: Int = 1
    /// Events the baseline was built from.
    public var eventCount: Int
    /// Event-time range of those events, if they had timestamps.
    public var timeRange: TimeRange?
    /// Numeric features by name.
    public var numericFeatures: [String: NumericSummary]
    /// Categorical features by name.
    public var categoricalFeatures: [String: CategoricalSummary]
    /// Numeric prediction, if predictions were numbers.
    public var numericPrediction: NumericSummary?
    /// Class prediction (the label, or the most probable class), if predictions were classes.
    public var categoricalPrediction: CategoricalSummary?
    /// Reference latency, if latencies were present.
    public var latency: LatencySummary?
    /// Reference error rate (share of error outcomes), if known.
    public var errorRate: Double?
    /// Reference request rate in events per second, if known.
    public var requestRate: Double?
    /// Reference value of the quality metric (``MonitorConfiguration/accuracy``), if known.
    public var qualityMetric: Double?

    /// Creates a baseline.
    public init(
        eventCount: Int,
        timeRange: TimeRange? = nil,
        numericFeatures: [String: NumericSummary] = [:],
        categoricalFeatures: [String: CategoricalSummary] = [:],
        numericPrediction: NumericSummary? = nil,
        categoricalPrediction: CategoricalSummary? = nil,
        latency: LatencySummary? = nil,
        errorRate: Double? = nil,
        requestRate: Double? = nil,
        qualityMetric: Double? = nil
    ) {
        self.eventCount = eventCount
        self.timeRange = timeRange
        self.numericFeatures = numericFeatures
        self.categoricalFeatures = categoricalFeatures
        self.numericPrediction = numericPrediction
        self.categoricalPrediction = categoricalPrediction
        self.latency = latency
        self.errorRate = errorRate
        self.requestRate = requestRate
        self.qualityMetric = qualityMetric
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case eventCount = "event_count"
        case timeRange = "time_range"
        case numericFeatures = "numeric_features"
        case categoricalFeatures = "categorical_features"
        case numericPrediction = "numeric_prediction"
        case categoricalPrediction = "categorical_prediction"
        case latency
        case errorRate = "error_rate"
        case requestRate = "request_rate"
        case qualityMetric = "quality_metric"
    }
}
