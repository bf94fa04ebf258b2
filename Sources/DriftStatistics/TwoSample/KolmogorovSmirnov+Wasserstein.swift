extension KolmogorovSmirnov {
    /// The KS test and the first Wasserstein distance of the same two sorted samples from one merge walk.
    ///
    /// Both walk the merged order of the two samples: W₁ sums `|F₁ − F₂|` times the width of every step between
    /// consecutive merged values, and D is the largest `|F₁ − F₂|` at the end of a run of equal values, which is
    /// exactly where a step has positive width. One walk without a data-dependent branch does both; the results
    /// are bit-for-bit those of ``test(sortedReference:sortedCurrent:method:)`` and
    /// ``Wasserstein/distance(sortedReference:sortedCurrent:)`` (the same operations in the same order), which
    /// the caller can use instead when a sample holds an infinite value.
    ///
    /// - Parameters:
    ///   - sortedReference: The reference sample, sorted ascending, every value finite.
    ///   - sortedCurrent: The current sample, sorted ascending, every value finite.
    ///   - method: How to compute the p-value.
    /// - Returns: The test result and W₁ (in the units of the data).
    /// - Throws: ``StatisticsError`` `.emptySample` if either sample is empty, `.nonFiniteValue` if the first or
    ///   last value of a sample is not finite.
    /// - Complexity: O(n₁ + n₂) plus the p-value's cost; no allocation for equal sizes.
    public static func testWithWasserstein(
        sortedReference u: UnsafeBufferPointer<Double>,
        sortedCurrent v: UnsafeBufferPointer<Double>,
        method: Method = .automatic
    ) throws(StatisticsError) -> (test: Result, wasserstein: Double) {
        let n1 = u.count
        let n2 = v.count
        guard n1 > 0, n2 > 0, let a = u.baseAddress, let b = v.baseAddress else {
            throw StatisticsError(.emptySample, "Both samples of a Kolmogorov-Smirnov test must be non-empty.")
        }
        guard a[0].isFinite, a[n1 - 1].isFinite, b[0].isFinite, b[n2 - 1].isFinite else {
            throw StatisticsError(.nonFiniteValue, "The one-walk KS and Wasserstein needs finite samples.")
        }
        // Past its end a sample's head reads +∞, which no finite value ties with, so the smaller head is always the
        // next merged value.
        let inverseN1 = 1.0 / Double(n1)
        let inverseN2 = 1.0 / Double(n2)
        let firstU = a[0] <= b[0]
        var previous = firstU ? a[0] : b[0]
        var i = firstU ? 1 : 0
        var j = firstU ? 0 : 1
        var headU = i < n1 ? a[i] : .infinity
        var headV = j < n2 ? b[j] : .infinity
        var best = 0
        var total = 0.0
        for _ in 1..<(n1 + n2) {
            let takeU = headU <= headV
            let next = takeU ? headU : headV
            // All values ≤ previous are consumed here: i and j are the counts the ECDFs are read at.
            let delta = next - previous
            let term = abs(Double(i) * inverseN1 - Double(j) * inverseN2) * delta
            total += delta != 0 ? term : 0
            let diff = i &* n2 &- j &* n1
            let magnitude = diff < 0 ? 0 &- diff : diff
            best = next > previous && magnitude > best ? magnitude : best
            previous = next
            i &+= takeU ? 1 : 0
            j &+= takeU ? 0 : 1
            headU = i < n1 ? a[i] : .infinity
            headV = j < n2 ? b[j] : .infinity
        }
        return (pValue(maxScaledDifference: best, n1: n1, n2: n2, method: method), total)
    }
}
