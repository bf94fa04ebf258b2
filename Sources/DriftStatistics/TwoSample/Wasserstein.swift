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
    /// - Complexity: O(n₁ + n₂), no allocation for contiguous collections (arrays, array slices).
    public static func distance(
        sortedReference u: some RandomAccessCollection<Double>,
        sortedCurrent v: some RandomAccessCollection<Double>
    ) throws(StatisticsError) -> Double {
        guard !u.isEmpty, !v.isEmpty else {
            throw StatisticsError(.emptySample, "Both samples of a Wasserstein distance must be non-empty.")
        }
        // Called across a module boundary this function runs unspecialised, where every element access would be
        // a witness call; walking raw buffers keeps the merge loop tight (it dominated engine evaluation).
        let contiguous = u.withContiguousStorageIfAvailable { reference in
            v.withContiguousStorageIfAvailable { current in mergedDistance(reference, current) }
        }
        if let result = contiguous ?? nil { return result }
        return Array(u).withUnsafeBufferPointer { reference in
            Array(v).withUnsafeBufferPointer { current in mergedDistance(reference, current) }
        }
    }

    /// The merge walk over two non-empty sorted buffers: between consecutive merged values both empirical CDFs
    /// are constant, so W₁ is the sum of |F₁ − F₂| times each step's width.
    private static func mergedDistance(_ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>) -> Double {
        let n1 = u.count
        let n2 = v.count
        let inverseN1 = 1.0 / Double(n1)
        let inverseN2 = 1.0 / Double(n2)
        var i = 0
        var j = 0
        var total = 0.0
        var previous: Double
        if u[0] <= v[0] {
            previous = u[0]
            i = 1
        } else {
            previous = v[0]
            j = 1
        }
        while i < n1 || j < n2 {
            let takeU = j >= n2 || (i < n1 && u[i] <= v[j])
            let next = takeU ? u[i] : v[j]
            // CDFs at `previous` are the counts of values ≤ previous; the merged walk has consumed exactly
            // those values when `next > previous`, and a zero-width step contributes nothing otherwise.
            let delta = next - previous
            if delta != 0 {
                total += abs(Double(i) * inverseN1 - Double(j) * inverseN2) * delta
            }
            previous = next
            if takeU {
                i += 1
            } else {
                j += 1
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
