/// A fixed reference distribution built once from a baseline (training data, a baseline file or the first N
/// events): a sorted sample for KS / Wasserstein, a summary, and equal-frequency bins for PSI, JS and Hellinger.
///
/// When the baseline is larger than `sampleSize`, the sample keeps evenly spaced order statistics of the sorted
/// baseline (the `(i + ½)/m` quantiles), a deterministic quantile summary whose empirical CDF stays within
/// `1/(2m)` of the baseline's. Summary statistics and bins use the full baseline. Memory: `8·sampleSize` bytes for
/// the sample (4 000 at the default 500), the histogram (≈ 250 bytes at 10 bins) and 48 bytes of summary.
public struct FixedReference: Sendable, Hashable, Codable {
    /// The default sample size (see the 16 KiB per-stream budget in docs/statistics.md).
    public static let defaultSampleSize = 500

    /// Summary of the full baseline.
    public struct Summary: Sendable, Hashable, Codable {
        /// Number of baseline values.
        public var count: Int
        /// Mean.
        public var mean: Double
        /// Population standard deviation (ddof = 0), as Evidently normalises Wasserstein.
        public var standardDeviation: Double
        /// Smallest value.
        public var minimum: Double
        /// Largest value.
        public var maximum: Double
    }

    /// The reference sample, sorted ascending.
    public let sortedSample: [Double]
    /// Summary of the full baseline.
    public let summary: Summary
    /// Equal-frequency bins from the full baseline, with the baseline's counts as ``EqualFrequencyHistogram/referenceCounts``.
    public let histogram: EqualFrequencyHistogram

    /// Builds a reference from baseline values.
    ///
    /// - Parameters:
    ///   - baseline: Baseline values (finite).
    ///   - sampleSize: The most values kept in ``sortedSample``, ≥ 1.
    ///   - binCount: Equal-frequency bins for the histogram, ≥ 1.
    /// - Throws: ``StatisticsError`` `.emptySample`, `.invalidParameter` or `.nonFiniteValue`.
    /// - Complexity: O(n log n).
    public init(
        baseline: [Double],
        sampleSize: Int = FixedReference.defaultSampleSize,
        binCount: Int = 10
    ) throws(StatisticsError) {
        guard !baseline.isEmpty else {
            throw StatisticsError(.emptySample, "A reference needs at least one baseline value.")
        }
        guard sampleSize >= 1 else {
            throw StatisticsError(.invalidParameter, "The reference sample size must be at least 1.")
        }
        guard baseline.allSatisfy(\.isFinite) else {
            throw StatisticsError(.nonFiniteValue, "Baseline values must be finite.")
        }
        let sorted = baseline.sorted()
        let n = sorted.count
        if n <= sampleSize {
            sortedSample = sorted
        } else {
            sortedSample = (0..<sampleSize).map { i in
                let position = (Double(i) + 0.5) * Double(n) / Double(sampleSize) - 0.5
                return sorted[min(n - 1, max(0, Int(position.rounded(.toNearestOrEven))))]
            }
        }
        var moments = RunningMoments()
        for v in sorted { moments.add(v) }
        summary = Summary(
            count: n,
            mean: moments.mean,
            standardDeviation: moments.populationStandardDeviation,
            minimum: sorted[0],
            maximum: sorted[n - 1]
        )
        histogram = try EqualFrequencyHistogram(sortedReference: sorted, binCount: binCount)
    }

    /// Builds a reference from a full rolling window (the "first N events" baseline).
    ///
    /// - Throws: ``StatisticsError`` as ``init(baseline:sampleSize:binCount:)``.
    public init(
        window: RollingWindow,
        sampleSize: Int = FixedReference.defaultSampleSize,
        binCount: Int = 10
    )
        throws(StatisticsError)
    {
        try self.init(baseline: window.values, sampleSize: sampleSize, binCount: binCount)
    }

    /// A current-window histogram on this reference's bins (empty counts).
    public func emptyHistogram() -> EqualFrequencyHistogram {
        histogram
    }
}
