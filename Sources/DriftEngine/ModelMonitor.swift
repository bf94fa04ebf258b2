import DriftProtocol
import DriftStatistics

/// Identifies the state of one model version.
public struct ModelKey: Sendable, Hashable, Codable, Comparable {
    /// The model name.
    public var model: String
    /// The model version.
    public var version: String

    /// The model and its version as readable lines name them (alert summaries, trigger reasons and listings): the
    /// model alone when the version is empty.
    public var summaryName: String { version.isEmpty ? model : "\(model) \(version)" }

    /// Creates a key.
    public init(model: String, version: String) {
        self.model = model
        self.version = version
    }

    /// Orders by model, then version.
    public static func < (lhs: ModelKey, rhs: ModelKey) -> Bool {
        (lhs.model, lhs.version) < (rhs.model, rhs.version)
    }
}

/// All state of one model version: rings of the current window shared by every stream (one write per event and
/// stream), references, detectors, the label join and the alert lifecycles.
///
/// Ingestion only copies columns into preallocated rings and updates O(1) detectors; sorting and tests run at
/// evaluation. Memory per numeric feature at the defaults: 8 000 bytes of ring + 8 000 of reference sample +
/// ~300 of bins ≈ 16.3 KB (see `docs/engine.md`).
struct ModelMonitor: Sendable, Codable {
    let key: ModelKey
    var configuration: MonitorConfiguration
    var limits: EngineLimits

    // Ring geometry shared by every stream.
    var capacity: Int
    var head = 0
    var filled = 0
    var timestamps: [Int64]
    var errorFlags: [UInt8]

    var numeric: [NumericStream] = []
    var numericIndex: [String: Int] = [:]
    var categorical: [CategoricalStream] = []
    var categoricalIndex: [String: Int] = [:]
    var predictionNumeric: NumericStream?
    var predictionCategorical: CategoricalStream?
    var droppedFeatureValues: UInt64 = 0

    var eventsSeen: UInt64 = 0
    var firstEventTime: Int64?
    var lastEventTime: Int64 = .min

    // Model-level reference (error rate, latency, request rate).
    var referenceTarget: Int
    var referenceEvents = 0
    var referenceErrors = 0
    var referenceRange = TimeRange(start: .max, end: .min)
    var referenceErrorRate: Double?
    var referenceRate: Double?
    var referenceLatency: Baseline.LatencySummary?
    var referenceLatencySketch: DDSketch?
    var baselineRange: TimeRange?

    var latencySketch: DDSketch?
    var latencyDetector: LatencyDetector
    var latencyChange = false
    var latencyShifted = false
    var lastLatencyCondition: AlertCondition?
    var lastAccuracyCondition: AlertCondition?
    var errorDetector: ErrorDetector
    var errorDrift = false
    var traffic: TrafficCounter
    var customMetricNames: [String] = []
    var customDetectors: [RobustAnomalyDetector] = []
    var customAlarms: [AnomalyVerdict?] = []
    var labels: LabelJoin

    var eventsSinceEvaluation = 0
    var lastEvaluationTime: Int64?
    var eventsAtDriftEvaluation: UInt64 = .max
    var driftConditions: [AlertCondition] = []
    var driftShare: Double?
    var status = ModelStatus()
    var alerts: [AlertLifecycle] = []

    init(key: ModelKey, configuration: MonitorConfiguration, limits: EngineLimits) {
        self.key = key
        self.configuration = configuration
        self.limits = limits
        capacity = Self.ringCapacity(configuration)
        timestamps = [Int64](repeating: 0, count: capacity)
        errorFlags = [UInt8](repeating: 0, count: capacity)
        referenceTarget = Self.modelReferenceTarget(configuration)
        latencyDetector = LatencyDetector(configuration.latency)
        errorDetector = ErrorDetector(configuration.errorRate.detector)
        traffic = TrafficCounter(window: configuration.traffic.windowNanoseconds)
        labels = LabelJoin(windowLabels: configuration.accuracy.windowLabels)
        latencySketch = try? DDSketch(relativeAccuracy: configuration.latency.relativeAccuracy)
        installModelReference()
    }

    static func ringCapacity(_ c: MonitorConfiguration) -> Int {
        if case .laggedWindow(let lag, let size) = c.reference { return max(c.currentWindowEvents, lag + size) }
        return c.currentWindowEvents
    }

    static func modelReferenceTarget(_ c: MonitorConfiguration) -> Int {
        switch c.reference {
        case .firstEvents(let n): n
        case .baseline: 0
        case .baselineFile: c.currentWindowEvents
        case .laggedWindow(let lag, let size): lag + size
        }
    }

    /// The first-events count for per-stream references (0 when the reference comes from a baseline or the ring).
    var streamCollectTarget: Int {
        switch configuration.reference {
        case .firstEvents(let n): n
        case .baselineFile: configuration.currentWindowEvents
        case .baseline, .laggedWindow: 0
        }
    }

    var baseline: Baseline? {
        if case .baseline(let b) = configuration.reference { return b }
        return nil
    }

    /// Installs the model-level reference from a baseline, or starts collecting it.
    mutating func installModelReference() {
        referenceEvents = 0
        referenceErrors = 0
        referenceRange = TimeRange(start: .max, end: .min)
        referenceErrorRate = nil
        referenceRate = nil
        referenceLatency = nil
        referenceLatencySketch = nil
        labels.referenceMetric = nil
        labels.referenceFromBaseline = false
        if let baseline {
            referenceTarget = 0
            referenceErrorRate = baseline.errorRate
            referenceRate = baseline.requestRate
            referenceLatency = baseline.latency
            baselineRange = baseline.timeRange ?? TimeRange(start: 0, end: 0)
            if let q = baseline.qualityMetric {
                labels.referenceMetric = q
                labels.referenceFromBaseline = true
            }
        } else {
            referenceTarget = Self.modelReferenceTarget(configuration)
            referenceLatencySketch = try? DDSketch(relativeAccuracy: configuration.latency.relativeAccuracy)
        }
    }

    /// Creates or finds the numeric stream for a feature; nil when disabled or over the feature cap.
    mutating func numericStream(named name: String) -> Int? {
        if let index = numericIndex[name] { return index }
        if configuration.featureOverride(for: name)?.disabled == true { return nil }
        guard numeric.count + categorical.count < limits.maxFeaturesPerModel else { return nil }
        var stream = NumericStream(name: name, capacity: capacity)
        if let summary = baseline?.numericFeatures[name] {
            stream.reference = NumericReference(
                baseline: summary,
                bins: configuration.bins,
                range: baselineRange ?? TimeRange(start: 0, end: 0)
            )
        } else if streamCollectTarget > 0 {
            stream.startCollecting(streamCollectTarget)
        }
        numeric.append(stream)
        numericIndex[name] = numeric.count - 1
        return numeric.count - 1
    }

    /// Creates or finds the categorical stream for a feature; nil when disabled or over the feature cap.
    mutating func categoricalStream(named name: String) -> Int? {
        if let index = categoricalIndex[name] { return index }
        if configuration.featureOverride(for: name)?.disabled == true { return nil }
        guard numeric.count + categorical.count < limits.maxFeaturesPerModel else { return nil }
        var stream = CategoricalStream(name: name, capacity: capacity, maxCategories: limits.maxCategoriesPerFeature)
        if let summary = baseline?.categoricalFeatures[name] {
            stream.install(summary, range: baselineRange ?? TimeRange(start: 0, end: 0))
        } else if streamCollectTarget > 0 {
            stream.startCollecting(streamCollectTarget)
        }
        categorical.append(stream)
        categoricalIndex[name] = categorical.count - 1
        return categorical.count - 1
    }

    mutating func makePredictionNumeric() {
        guard predictionNumeric == nil else { return }
        var stream = NumericStream(name: "prediction", capacity: capacity)
        if let summary = baseline?.numericPrediction {
            stream.reference = NumericReference(
                baseline: summary,
                bins: configuration.bins,
                range: baselineRange ?? TimeRange(start: 0, end: 0)
            )
        } else if streamCollectTarget > 0 {
            stream.startCollecting(streamCollectTarget)
        }
        predictionNumeric = stream
    }

    mutating func makePredictionCategorical() {
        guard predictionCategorical == nil else { return }
        var stream = CategoricalStream(
            name: "prediction",
            capacity: capacity,
            maxCategories: limits.maxCategoriesPerFeature
        )
        if let summary = baseline?.categoricalPrediction {
            stream.install(summary, range: baselineRange ?? TimeRange(start: 0, end: 0))
        } else if streamCollectTarget > 0 {
            stream.startCollecting(streamCollectTarget)
        }
        predictionCategorical = stream
    }
}

/// The latest model-level measurements, for snapshots.
struct ModelStatus: Sendable, Hashable, Codable {
    var errorRate: Double?
    var latencyP50: Double?
    var latencyP95: Double?
    var latencyP99: Double?
    var latencyRatio: Double?
    var requestRate: Double?
    var accuracy: Double?
    var lastEvaluation: Int64?
    var evaluations: UInt64 = 0
}
