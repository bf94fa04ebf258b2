/// A histogram on equal-frequency bins taken from a reference sample, with an under-range and an over-range bin.
///
/// Edges are the reference quantiles at `0, 1/B, …, 1` computed as `numpy.quantile(method="linear")` (Hyndman &
/// Fan type 7), with duplicate edges removed (`numpy.unique`), so a heavily tied reference yields fewer bins
/// instead of empty ones. Counting follows `numpy.histogram` inside the range (bins half-open `[eᵢ, eᵢ₊₁)`, the
/// last one closed) and adds a bin below the reference minimum and one above its maximum, so current values
/// outside the reference range are counted rather than dropped. The layout of ``counts`` is
/// `[under, bin₀, …, bin_{B−1}, over]`.
///
/// Memory: `(B + 1)` edges and `(B + 2)` counts, i.e. `8·(2B + 3)` bytes plus two array headers (248 bytes of
/// payload for the default 10 bins). Updates are O(log B) and never allocate.
public struct EqualFrequencyHistogram: Sendable, Hashable, Codable {
    /// Bin edges, strictly increasing; `edges.count - 1` regular bins.
    public private(set) var edges: [Double]
    /// Counts of the reference sample on these bins, `[under, bins…, over]` (under and over are zero).
    public private(set) var referenceCounts: [UInt64]
    /// Counts observed since creation or the last ``reset()``, `[under, bins…, over]`.
    public private(set) var counts: [UInt64]
    /// Total observations in ``counts``.
    public private(set) var total: UInt64 = 0

    /// Builds the bins from a reference sample and records the reference counts.
    ///
    /// - Parameters:
    ///   - reference: The reference sample (finite values; NaN is rejected).
    ///   - binCount: The number of equal-frequency bins requested, ≥ 1 (default 10).
    /// - Throws: ``StatisticsError`` `.emptySample`, `.invalidParameter` or `.nonFiniteValue`.
    /// - Complexity: O(n log n) for sorting the reference.
    public init(reference: [Double], binCount: Int = 10) throws(StatisticsError) {
        guard !reference.isEmpty else {
            throw StatisticsError(.emptySample, "An equal-frequency histogram needs a non-empty reference.")
        }
        guard binCount >= 1 else {
            throw StatisticsError(.invalidParameter, "An equal-frequency histogram needs at least one bin.")
        }
        guard reference.allSatisfy(\.isFinite) else {
            throw StatisticsError(.nonFiniteValue, "Reference values must be finite.")
        }
        let sorted = reference.sorted()
        try self.init(sortedReference: sorted, binCount: binCount)
    }

    /// Builds the bins from a reference sample already sorted ascending.
    ///
    /// - Parameters:
    ///   - sortedReference: The reference sample, sorted ascending, finite.
    ///   - binCount: The number of equal-frequency bins requested, ≥ 1.
    /// - Throws: ``StatisticsError`` `.emptySample` or `.invalidParameter`.
    public init(sortedReference sorted: [Double], binCount: Int) throws(StatisticsError) {
        guard !sorted.isEmpty else {
            throw StatisticsError(.emptySample, "An equal-frequency histogram needs a non-empty reference.")
        }
        guard binCount >= 1 else {
            throw StatisticsError(.invalidParameter, "An equal-frequency histogram needs at least one bin.")
        }
        var edges: [Double] = []
        edges.reserveCapacity(binCount + 1)
        for k in 0...binCount {
            let q = Double(k) / Double(binCount)
            let e = Self.linearQuantile(sorted, q)
            if edges.last != e { edges.append(e) }
        }
        if edges.count == 1 { edges.append(edges[0]) }
        self.edges = edges
        let slots = edges.count + 1
        self.counts = [UInt64](repeating: 0, count: slots)
        self.referenceCounts = [UInt64](repeating: 0, count: slots)
        for v in sorted { observe(v) }
        self.referenceCounts = counts
        reset()
    }

    /// The number of slots in ``counts``: regular bins plus the under- and over-range bins.
    public var slotCount: Int { counts.count }

    /// The slot a value falls in: 0 below the reference minimum, `slotCount − 1` above its maximum.
    ///
    /// - Complexity: O(log B).
    @inlinable
    public func slot(for value: Double) -> Int {
        let last = edges.count - 1
        if value < edges[0] { return 0 }
        if value > edges[last] { return last + 1 }
        // Largest i with edges[i] <= value, capped to the last regular bin.
        var low = 0
        var high = last
        while low < high {
            let mid = (low + high + 1) / 2
            if edges[mid] <= value { low = mid } else { high = mid - 1 }
        }
        return 1 + min(low, max(last - 1, 0))
    }

    /// Counts one value. NaN is ignored.
    ///
    /// - Complexity: O(log B), no allocation.
    public mutating func observe(_ value: Double) {
        guard !value.isNaN else { return }
        counts[slot(for: value)] += 1
        total += 1
    }

    /// Removes one previously counted value (for use beside a rolling window). NaN is ignored.
    ///
    /// - Complexity: O(log B).
    public mutating func remove(_ value: Double) {
        guard !value.isNaN else { return }
        let s = slot(for: value)
        precondition(counts[s] > 0, "removing a value that was not counted")
        counts[s] -= 1
        total -= 1
    }

    /// Clears ``counts``; edges and reference counts are kept.
    public mutating func reset() {
        for i in counts.indices { counts[i] = 0 }
        total = 0
    }

    /// Adds the counts of another histogram on identical edges.
    ///
    /// - Throws: ``StatisticsError`` `.incompatibleStructures` if the edges differ.
    public mutating func merge(_ other: EqualFrequencyHistogram) throws(StatisticsError) {
        guard other.edges == edges else {
            throw StatisticsError(.incompatibleStructures, "Histograms with different edges cannot be merged.")
        }
        for i in counts.indices { counts[i] += other.counts[i] }
        total += other.total
    }

    /// `numpy.quantile(sorted, q, method="linear")`, reproducing numpy's virtual index and lerp arithmetic.
    static func linearQuantile(_ sorted: [Double], _ q: Double) -> Double {
        let n = sorted.count
        let virtualIndex = Double(n - 1) * q
        if virtualIndex <= 0 { return sorted[0] }
        let previous = virtualIndex.rounded(.down)
        if previous >= Double(n - 1) { return sorted[n - 1] }
        let i = Int(previous)
        let a = sorted[i]
        let b = sorted[i + 1]
        let t = virtualIndex - previous
        let diff = b - a
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
    }
}
