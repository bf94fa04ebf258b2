import DriftProtocol
import DriftStatistics

/// The reference of one numeric stream: a sorted sample (at most `reference_sample_size` evenly spaced order
/// statistics), its summary, equal-frequency bins and the missing share.
///
/// The bins are stored only when they come from more values than the sample keeps (a first-events reference longer
/// than `reference_sample_size`); otherwise they are the sample's own and `histogram` rebuilds them when an
/// evaluation needs them (B quantiles of the sorted sample), which keeps ≈ 400 bytes per stream out of memory.
struct NumericReference: Sendable, Hashable, Codable {
    var sortedSample: [Double]
    var count: Int
    var missing: Int
    var standardDeviation: Double
    /// Bins that differ from the sample's own, else nil.
    var storedHistogram: EqualFrequencyHistogram?
    var binCount: Int
    var range: TimeRange

    /// The equal-frequency bins of the reference (stored, or rebuilt from the sorted sample).
    var histogram: EqualFrequencyHistogram {
        if let storedHistogram {
            return storedHistogram
        }
        guard let rebuilt = try? EqualFrequencyHistogram(sortedReference: sortedSample, binCount: binCount) else {
            // Every initialiser and the decoder check that these bins can be built.
            preconditionFailure("reference bins could not be rebuilt from the sorted sample")
        }
        return rebuilt
    }

    /// Builds a reference from raw values (NaN = missing); nil when no value is finite.
    init?(values: some Collection<Double>, sampleSize: Int, bins: Int, range: TimeRange, scratch: inout [Double]) {
        scratch.removeAll(keepingCapacity: true)
        var missing = 0
        for v in values {
            if v.isNaN { missing += 1 } else { scratch.append(v) }
        }
        guard !scratch.isEmpty else { return nil }
        scratch.sort()
        self.init(sorted: scratch, missing: missing, sampleSize: sampleSize, bins: bins, range: range)
    }

    /// Builds a reference from sorted finite values.
    init?(sorted: [Double], missing: Int, sampleSize: Int, bins: Int, range: TimeRange) {
        guard !sorted.isEmpty, let histogram = try? EqualFrequencyHistogram(sortedReference: sorted, binCount: bins)
        else { return nil }
        let n = sorted.count
        if n <= sampleSize {
            sortedSample = sorted
            storedHistogram = nil
        } else {
            sortedSample = (0..<sampleSize).map { i in
                let position = (Double(i) + 0.5) * Double(n) / Double(sampleSize) - 0.5
                return sorted[min(n - 1, max(0, Int(position.rounded(.toNearestOrEven))))]
            }
            storedHistogram = histogram
        }
        var moments = RunningMoments()
        for v in sorted { moments.add(v) }
        standardDeviation = moments.populationStandardDeviation
        count = n
        self.missing = missing
        self.binCount = bins
        self.range = range
    }

    /// A reference from a baseline summary.
    init?(baseline summary: Baseline.NumericSummary, bins: Int, range: TimeRange) {
        guard (try? EqualFrequencyHistogram(sortedReference: summary.sortedSample, binCount: bins)) != nil
        else { return nil }
        sortedSample = summary.sortedSample
        count = summary.count
        missing = summary.missingCount
        standardDeviation = summary.standardDeviation
        storedHistogram = nil
        binCount = bins
        self.range = range
    }

    private enum CodingKeys: String, CodingKey {
        case sortedSample, count, missing, standardDeviation, histogram, bins, range
    }

    /// Writes the bins in full (as checkpoints always have), so older readers restore them.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sortedSample, forKey: .sortedSample)
        try container.encode(count, forKey: .count)
        try container.encode(missing, forKey: .missing)
        try container.encode(standardDeviation, forKey: .standardDeviation)
        try container.encode(histogram, forKey: .histogram)
        try container.encode(binCount, forKey: .bins)
        try container.encode(range, forKey: .range)
    }

    /// Restores a reference; bins equal to the sample's own are dropped and rebuilt on demand.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sortedSample = try container.decode([Double].self, forKey: .sortedSample)
        count = try container.decode(Int.self, forKey: .count)
        missing = try container.decode(Int.self, forKey: .missing)
        standardDeviation = try container.decode(Double.self, forKey: .standardDeviation)
        let histogram = try container.decode(EqualFrequencyHistogram.self, forKey: .histogram)
        binCount = try container.decodeIfPresent(Int.self, forKey: .bins) ?? max(1, histogram.edges.count - 1)
        range = try container.decode(TimeRange.self, forKey: .range)
        let rebuilt = try? EqualFrequencyHistogram(sortedReference: sortedSample, binCount: binCount)
        storedHistogram = rebuilt == histogram ? nil : histogram
    }

    var missingRate: Double { count + missing == 0 ? 0 : Double(missing) / Double(count + missing) }
}

/// One numeric stream of a model (a feature or the numeric prediction): the raw values of the ring shared with
/// the model (NaN = missing), the reference, and the first-events collection buffer while it fills.
///
/// Memory: `8·capacity` bytes for the ring plus `8·reference_sample_size` for the reference sample and ~300 bytes
/// of bins (16.3 KB at the defaults); the collection buffer exists only until the reference is frozen.
struct NumericStream: Sendable, Codable {
    let name: String
    var ring: [Double]
    var reference: NumericReference?
    var collecting: [Double] = []
    var collectTarget = 0
    var collectRange = TimeRange(start: .max, end: .min)
    var result: StreamResult?

    init(name: String, capacity: Int) {
        self.name = name
        ring = [Double](repeating: .nan, count: capacity)
    }

    /// Starts collecting the first `count` values as the reference.
    mutating func startCollecting(_ count: Int) {
        reference = nil
        collectTarget = count
        collecting = []
        collecting.reserveCapacity(count)
        collectRange = TimeRange(start: .max, end: .min)
    }

    /// Writes values `column[offset + k·stride]` for `k` in `range` at ring positions from `head`.
    /// - Complexity: O(range), no allocation (the collection buffer is reserved up front).
    @inline(__always)
    mutating func ingest(
        _ column: UnsafeBufferPointer<Double>,
        offset: Int,
        stride: Int,
        range: Range<Int>,
        head: Int
    ) {
        let capacity = ring.count
        ring.withUnsafeMutableBufferPointer { out in
            var pos = head
            var index = range.lowerBound * stride + offset
            for _ in range {
                out[pos] = column[index]
                index += stride
                pos += 1
                if pos == capacity { pos = 0 }
            }
        }
        if collectTarget > 0 {
            let take = min(range.count, collectTarget - collecting.count)
            var index = range.lowerBound * stride + offset
            for _ in 0..<take {
                collecting.append(column[index])
                index += stride
            }
        }
    }

    /// Writes one value (used for the prediction stream).
    @inline(__always)
    mutating func write(_ value: Double, at pos: Int) {
        ring[pos] = value
        if collectTarget > 0 && collecting.count < collectTarget { collecting.append(value) }
    }

    /// Freezes the first-events reference once collection is complete.
    mutating func freezeIfCollected(range: TimeRange, sampleSize: Int, bins: Int, scratch: inout [Double]) {
        guard collectTarget > 0, collecting.count >= collectTarget else { return }
        reference = NumericReference(
            values: collecting,
            sampleSize: sampleSize,
            bins: bins,
            range: range,
            scratch: &scratch
        )
        collecting = []
        collectTarget = 0
        if reference == nil { startCollecting(collectTargetFallback(sampleSize)) }
    }

    private func collectTargetFallback(_ sampleSize: Int) -> Int { max(10, sampleSize) }

    /// Keeps the newest `min(filled, capacity)` values in a ring of a new capacity, aligned to head 0.
    mutating func resize(to capacity: Int, head: Int, filled: Int) {
        ring = Self.reordered(ring, head: head, filled: filled, capacity: capacity, empty: .nan)
    }

    static func reordered<T>(_ ring: [T], head: Int, filled: Int, capacity: Int, empty: T) -> [T] {
        var out = [T](repeating: empty, count: capacity)
        let keep = min(filled, capacity)
        let old = ring.count
        for k in 0..<keep {
            // k-th newest value
            let from = ((head - 1 - k) % old + old) % old
            out[keep - 1 - k] = ring[from]
        }
        return out
    }
}

/// The latest test result of one stream, for snapshots and alert evidence.
public struct StreamResult: Sendable, Hashable, Codable {
    /// The stream name (feature name, or `prediction`).
    public var name: String
    /// `numeric` or `categorical`.
    public var kind: FeatureKind
    /// The test that ran.
    public var test: DriftTest
    /// Its statistic (KS D, chi-square, PSI, normalised Wasserstein or JS distance).
    public var statistic: Double
    /// Its raw p-value, for tests with one.
    public var pValue: Double?
    /// The p-value after the multiple-testing correction.
    public var adjustedPValue: Double?
    /// The effect size that gates the test (normalised Wasserstein for KS, PSI for chi-square; else the statistic).
    public var effectSize: Double
    /// The effect-size threshold for a warning.
    public var effectThreshold: Double
    /// Whether the stream drifted at the last evaluation.
    public var drifted: Bool
    /// Whether the drift is critical.
    public var critical: Bool
    /// Missing share in the current window.
    public var missingRate: Double
    /// Missing share in the reference.
    public var referenceMissingRate: Double
    /// Whether the missing share rose significantly.
    public var missingShift: Bool
    /// p-value of the missing-share test.
    public var missingPValue: Double?
    /// Non-missing values in the current window.
    public var currentCount: Int
    /// Values in the reference.
    public var referenceCount: Int

    enum CodingKeys: String, CodingKey {
        case name, kind, test, statistic
        case pValue = "p_value"
        case adjustedPValue = "adjusted_p_value"
        case effectSize = "effect_size"
        case effectThreshold = "effect_threshold"
        case drifted, critical
        case missingRate = "missing_rate"
        case referenceMissingRate = "reference_missing_rate"
        case missingShift = "missing_shift"
        case missingPValue = "missing_p_value"
        case currentCount = "current_count"
        case referenceCount = "reference_count"
    }
}
