import DriftProtocol
import DriftStatistics

/// Builds a ``Baseline`` from events (training data read by `driftwatch baseline`, or recorded traffic).
///
/// Numeric features keep a deterministic reservoir sample (Algorithm R, seeded per feature from the builder seed
/// and the feature's position) of at most ``sampleSize`` values plus exact moments over all values; categorical
/// features keep exact counts of at most ``maxCategories`` categories (later new ones are counted as "other").
/// The same events in the same order always give the same baseline.
///
/// Memory: `8·sampleSize` bytes per numeric feature, one dictionary entry per category, a DDSketch for latency.
public struct BaselineBuilder: Sendable {
    /// Values kept per numeric sample.
    public let sampleSize: Int
    /// Categories kept per categorical feature.
    public let maxCategories: Int
    /// Equal-frequency bins for the edges.
    public let bins: Int
    private let seed: UInt64
    private var numeric: [String: NumericAccumulator] = [:]
    private var categorical: [String: CategoricalAccumulator] = [:]
    private var numericPrediction: NumericAccumulator?
    private var categoricalPrediction: CategoricalAccumulator?
    private var latency: DDSketch?
    private var errors = 0
    private var events = 0
    private var firstTimestamp = Int64.max
    private var lastTimestamp = Int64.min
    /// The reference quality metric, if the caller knows it (from an offline evaluation).
    public var qualityMetric: Double?

    /// Creates a builder.
    /// - Parameters:
    ///   - sampleSize: values kept per numeric feature (default 1 000).
    ///   - maxCategories: categories kept per categorical feature (default 64).
    ///   - bins: equal-frequency bins for the edges (default 10).
    ///   - seed: seeds the reservoirs (default 0x5eed).
    public init(sampleSize: Int = 1000, maxCategories: Int = 64, bins: Int = 10, seed: UInt64 = 0x5eed) {
        self.sampleSize = max(1, sampleSize)
        self.maxCategories = max(1, maxCategories)
        self.bins = max(1, bins)
        self.seed = seed
        latency = try? DDSketch()
    }

    /// Events added so far.
    public var eventCount: Int { events }

    /// Adds one event whose positional features are named by `numericNames` and `categoricalNames`.
    /// - Parameters:
    ///   - event: the event.
    ///   - numericNames: names of `event.numericFeatures`, same order.
    ///   - categoricalNames: names of `event.categoricalFeatures`, same order.
    public mutating func add(_ event: Event, numericNames: [String], categoricalNames: [String]) {
        record(timestamp: event.timestamp, latency: event.latencyMicroseconds, isError: event.outcome.isError)
        for (index, name) in numericNames.enumerated() where index < event.numericFeatures.count {
            addNumeric(event.numericFeatures[index], to: name)
        }
        for (index, name) in categoricalNames.enumerated() where index < event.categoricalFeatures.count {
            addCategorical(event.categoricalFeatures[index], to: name)
        }
        addPrediction(event.prediction)
    }

    /// Adds one event of a batch (names come from the batch schema).
    /// - Parameter view: the event.
    public mutating func add(_ view: EventView) {
        add(
            view.event,
            numericNames: view.batch.schema.numericNames,
            categoricalNames: view.batch.schema.categoricalNames
        )
    }

    /// Adds every event of a batch.
    /// - Parameter batch: the batch.
    public mutating func add(_ batch: EventBatch) {
        for view in batch.events { add(view) }
    }

    /// The baseline of everything added so far.
    /// - Returns: the baseline (features that never had a value are left out).
    /// - Complexity: O(features · sampleSize · log sampleSize).
    public func build() -> Baseline {
        var result = Baseline(eventCount: events)
        if events > 0 && firstTimestamp <= lastTimestamp {
            result.timeRange = TimeRange(start: firstTimestamp, end: lastTimestamp)
            if lastTimestamp > firstTimestamp && events > 1 {
                result.requestRate = Double(events - 1) / (Double(lastTimestamp - firstTimestamp) / 1e9)
            }
        }
        for (name, accumulator) in numeric {
            if let summary = accumulator.summary(bins: bins) { result.numericFeatures[name] = summary }
        }
        for (name, accumulator) in categorical {
            result.categoricalFeatures[name] = accumulator.summary()
        }
        result.numericPrediction = numericPrediction?.summary(bins: bins)
        result.categoricalPrediction = categoricalPrediction?.summary()
        if let latency, latency.count > 0, let p50 = latency.quantile(0.5), let p95 = latency.quantile(0.95),
            let p99 = latency.quantile(0.99)
        {
            result.latency = Baseline.LatencySummary(count: Int(latency.count), p50: p50, p95: p95, p99: p99)
        }
        if events > 0 { result.errorRate = Double(errors) / Double(events) }
        result.qualityMetric = qualityMetric
        return result
    }

    private mutating func record(timestamp: Int64, latency value: Double?, isError: Bool) {
        events += 1
        if isError { errors += 1 }
        firstTimestamp = min(firstTimestamp, timestamp)
        lastTimestamp = max(lastTimestamp, timestamp)
        if let value, value.isFinite, value >= 0 { latency?.observe(value) }
    }

    private mutating func addNumeric(_ value: Double, to name: String) {
        if numeric[name] == nil {
            numeric[name] = NumericAccumulator(capacity: sampleSize, seed: seed &+ stableHash(name))
        }
        numeric[name]?.add(value)
    }

    private mutating func addCategorical(_ value: String?, to name: String) {
        if categorical[name] == nil { categorical[name] = CategoricalAccumulator(cap: maxCategories) }
        categorical[name]?.add(value)
    }

    private mutating func addPrediction(_ prediction: Prediction) {
        switch prediction {
        case .absent: break
        case .number(let value):
            if numericPrediction == nil {
                numericPrediction = NumericAccumulator(capacity: sampleSize, seed: seed &+ 0x9e37)
            }
            numericPrediction?.add(value)
        case .classLabel(let label):
            if categoricalPrediction == nil { categoricalPrediction = CategoricalAccumulator(cap: maxCategories) }
            categoricalPrediction?.add(label)
        case .probabilities(let classes):
            if categoricalPrediction == nil { categoricalPrediction = CategoricalAccumulator(cap: maxCategories) }
            categoricalPrediction?.add(mostProbableClass(classes))
        }
    }
}

/// The label of the most probable class (the first on ties), or nil for an empty list.
func mostProbableClass(_ classes: [ClassProbability]) -> String? {
    var best: ClassProbability?
    for entry in classes where best == nil || entry.probability > (best?.probability ?? 0) { best = entry }
    return best?.label
}

/// Accumulates one numeric stream for a baseline.
private struct NumericAccumulator: Sendable {
    var reservoir: ReservoirSample
    var moments = RunningMoments()
    var missing = 0
    var minimum = Double.infinity
    var maximum = -Double.infinity

    init(capacity: Int, seed: UInt64) {
        reservoir = ReservoirSample(capacity: capacity, seed: seed)
    }

    mutating func add(_ value: Double) {
        guard value.isFinite else {
            missing += 1
            return
        }
        reservoir.observe(value)
        moments.add(value)
        minimum = min(minimum, value)
        maximum = max(maximum, value)
    }

    func summary(bins: Int) -> Baseline.NumericSummary? {
        guard moments.count > 0 else { return nil }
        let sorted = reservoir.values.sorted()
        let edges = (try? EqualFrequencyHistogram(sortedReference: sorted, binCount: bins))?.edges ?? []
        return Baseline.NumericSummary(
            count: moments.count,
            missingCount: missing,
            mean: moments.mean,
            standardDeviation: moments.populationStandardDeviation,
            minimum: minimum,
            maximum: maximum,
            sortedSample: sorted,
            binEdges: edges
        )
    }
}

/// Accumulates one categorical stream for a baseline.
private struct CategoricalAccumulator: Sendable {
    let cap: Int
    var counts: [String: UInt64] = [:]
    var other: UInt64 = 0
    var missing = 0

    init(cap: Int) { self.cap = cap }

    mutating func add(_ value: String?) {
        guard let value else {
            missing += 1
            return
        }
        if let existing = counts[value] {
            counts[value] = existing + 1
        } else if counts.count < cap {
            counts[value] = 1
        } else {
            other += 1
        }
    }

    func summary() -> Baseline.CategoricalSummary {
        let ordered = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        return Baseline.CategoricalSummary(
            categories: ordered.map(\.key),
            counts: ordered.map(\.value),
            otherCount: other,
            missingCount: missing
        )
    }
}
