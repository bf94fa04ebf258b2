/// The first Wasserstein (earth mover's) distance between two empirical distributions.
///
/// Source: `scipy.stats.wasserstein_distance` (scipy 1.17, `_cdf_distance` with p = 1): the integral of
/// `|F₁(x) − F₂(x)|` over the merged support. The normalised form divides by the reference's population standard
/// deviation (floored at 0.001) as Evidently's `wasserstein_distance_norm` does.
///
/// Assumptions: one-dimensional, unweighted samples without NaN. Memory: O(1) on sorted input.
public enum Wasserstein {
    /// W₁ between two unsorted samples (sorts copies).
    ///
    /// - Parameters:
    ///   - reference: The reference sample.
    ///   - current: The current sample.
    /// - Returns: The distance in the units of the data.
    /// - Throws: ``StatisticsError`` `.emptySample` if either sample is empty.
    /// - Complexity: O(n log n).
    public static func distance(reference: [Double], current: [Double]) throws(StatisticsError) -> Double {
        try distance(sortedReference: reference.sorted(), sortedCurrent: current.sorted())
    }

    /// W₁ between two samples sorted ascending.
    ///
    /// - Parameters:
    ///   - sortedReference: The reference sample, sorted ascending.
    ///   - sortedCurrent: The current sample, sorted ascending.
    /// - Returns: The distance in the units of the data.
    /// - Throws: ``StatisticsError`` `.emptySample` if either sample is empty.
    /// - Complexity: O(n₁ + n₂), no allocation.
    public static func distance(
        sortedReference u: some RandomAccessCollection<Double>,
        sortedCurrent v: some RandomAccessCollection<Double>
    ) throws(StatisticsError) -> Double {
        let n1 = u.count
        let n2 = v.count
        guard n1 > 0, n2 > 0 else {
            throw StatisticsError(.emptySample, "Both samples of a Wasserstein distance must be non-empty.")
        }
        // Walk the merged sorted values; between consecutive merged values the CDFs are constant.
        var i = 0
        var j = 0
        var iu = u.startIndex
        var iv = v.startIndex
        let inverseN1 = 1.0 / Double(n1)
        let inverseN2 = 1.0 / Double(n2)
        var total = 0.0
        var previous: Double
        if u[iu] <= v[iv] {
            previous = u[iu]
            i = 1
            iu = u.index(after: iu)
        } else {
            previous = v[iv]
            j = 1
            iv = v.index(after: iv)
        }
        while i < n1 || j < n2 {
            let next: Double
            let takeU: Bool
            if j >= n2 {
                takeU = true
            } else if i >= n1 {
                takeU = false
            } else {
                takeU = u[iu] <= v[iv]
            }
            next = takeU ? u[iu] : v[iv]
            // CDFs at `previous` are the counts of values ≤ previous; the merged walk has consumed exactly
            // those values when `next > previous`, and a zero-width step contributes nothing otherwise.
            let delta = next - previous
            if delta != 0 {
                let cdfU = Double(i) * inverseN1
                let cdfV = Double(j) * inverseN2
                total += abs(cdfU - cdfV) * delta
            }
            previous = next
            if takeU {
                i += 1
                iu = u.index(after: iu)
            } else {
                j += 1
                iv = v.index(after: iv)
            }
        }
        return total
    }

    /// W₁ divided by the reference population standard deviation, floored at 0.001 (Evidently's
    /// `wasserstein_distance_norm`).
    ///
    /// - Parameters:
    ///   - sortedReference: The reference sample, sorted ascending.
    ///   - sortedCurrent: The current sample, sorted ascending.
    ///   - referenceStandardDeviation: The reference's population standard deviation (`numpy.std`, ddof = 0).
    /// - Returns: The normalised distance.
    /// - Throws: ``StatisticsError`` `.emptySample` if either sample is empty.
    public static func normalizedDistance(
        sortedReference: some RandomAccessCollection<Double>,
        sortedCurrent: some RandomAccessCollection<Double>,
        referenceStandardDeviation: Double
    ) throws(StatisticsError) -> Double {
        let w = try distance(sortedReference: sortedReference, sortedCurrent: sortedCurrent)
        return w / max(referenceStandardDeviation, 0.001)
    }
}
