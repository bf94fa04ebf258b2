import RealModule

/// The two-sample Kolmogorov–Smirnov test (two-sided), matching `scipy.stats.ks_2samp(method="auto")`.
///
/// Source: scipy 1.17 `scipy/stats/_stats_py.py` (`ks_2samp`, `_attempt_exact_2kssamp`,
/// `_compute_prob_outside_square`) and `_stats_pythran.py` (`_compute_outer_prob_inside_method`, Hodges (1958)
/// with the 1 − p recursion of Viehmann (2021), arXiv:2102.08037). With `method: .automatic` the p-value is exact
/// when `max(n₁, n₂) ≤ 10 000` and otherwise uses `kstwo.sf(D, round(n₁n₂/(n₁+n₂)))` (see
/// ``KolmogorovDistribution``). Ties are handled as scipy does: the empirical CDFs are evaluated right-continuously
/// at every distinct value.
///
/// Assumptions: continuous distributions under the null (with ties the exact p-value is conservative), independent
/// samples. Memory: O(1) for the statistic on sorted input; the exact p-value for unequal sizes uses a scratch
/// column of at most `min(n₁, n₂) + 1` doubles (stack-allocated when small).
public enum KolmogorovSmirnov {
    /// How the p-value is computed.
    public enum Method: String, Sendable, Hashable, Codable {
        /// Exact when `max(n₁, n₂) ≤ 10 000`, asymptotic otherwise (scipy's `"auto"`).
        case automatic
        /// Always exact (falls back to asymptotic if the exact computation fails numerically, as scipy does).
        case exact
        /// Always the `kstwo` distribution at the effective sample size.
        case asymptotic
    }

    /// The outcome of a two-sample KS test.
    public struct Result: Sendable, Hashable, Codable {
        /// `D = sup |F₁ − F₂|`.
        public var statistic: Double
        /// The two-sided p-value.
        public var pValue: Double
        /// Whether the p-value was computed exactly.
        public var isExact: Bool
    }

    /// Largest sample size for which `.automatic` uses the exact distribution (scipy's `MAX_AUTO_N`).
    public static let maximumExactSampleSize = 10_000

    /// Runs the test on two unsorted samples (sorts copies).
    ///
    /// - Parameters:
    ///   - reference: The reference sample (no NaN).
    ///   - current: The current sample (no NaN).
    ///   - method: How to compute the p-value.
    /// - Returns: The statistic and the p-value.
    /// - Throws: ``StatisticsError`` with code `.emptySample` if either sample is empty.
    /// - Complexity: O(n log n) for sorting plus the cost of ``test(sortedReference:sortedCurrent:method:)``.
    public static func test(
        reference: [Double],
        current: [Double],
        method: Method = .automatic
    ) throws(StatisticsError) -> Result {
        try test(sortedReference: reference.sorted(), sortedCurrent: current.sorted(), method: method)
    }

    /// Runs the test on two samples that are already sorted ascending (no copy, no allocation for equal sizes).
    ///
    /// - Parameters:
    ///   - sortedReference: The reference sample, sorted ascending.
    ///   - sortedCurrent: The current sample, sorted ascending.
    ///   - method: How to compute the p-value.
    /// - Returns: The statistic and the p-value.
    /// - Throws: ``StatisticsError`` with code `.emptySample` if either sample is empty.
    /// - Complexity: O(n₁ + n₂) for the statistic; the exact p-value costs O(n) for equal sizes and
    ///   O(max(n₁, n₂) · h / lcm · min) (the width of the band) for unequal sizes.
    public static func test(
        sortedReference: some RandomAccessCollection<Double>,
        sortedCurrent: some RandomAccessCollection<Double>,
        method: Method = .automatic
    ) throws(StatisticsError) -> Result {
        let n1 = sortedReference.count
        let n2 = sortedCurrent.count
        guard n1 > 0, n2 > 0 else {
            throw StatisticsError(.emptySample, "Both samples of a Kolmogorov-Smirnov test must be non-empty.")
        }
        let contiguous = sortedReference.withContiguousStorageIfAvailable { a in
            sortedCurrent.withContiguousStorageIfAvailable { b in maximumScaledDifference(a, b) }
        }
        let maxDifference =
            (contiguous ?? nil) ?? maximumScaledDifference(Array(sortedReference), Array(sortedCurrent))
        return pValue(maxScaledDifference: maxDifference, n1: n1, n2: n2, method: method)
    }

    /// `max |i·n₂ − j·n₁|` over all distinct values, where `i`, `j` count values ≤ the value in each sample.
    static func maximumScaledDifference(_ a: [Double], _ b: [Double]) -> Int {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in maximumScaledDifference(pa, pb) } }
    }

    /// `max |i·n₂ − j·n₁|` on contiguous sorted storage (the hot loop: no generic dispatch, no allocation).
    static func maximumScaledDifference(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Int {
        let n1 = a.count
        let n2 = b.count
        guard n1 > 0, n2 > 0, let baseA = a.baseAddress, let baseB = b.baseAddress else {
            return 0
        }
        // One merge step per element, without a data-dependent branch: take the smaller head (the reference's on a
        // tie) and compare the ECDFs once the next head is larger, i.e. after the last of equal values (both ECDFs
        // are right-continuous). Past the end of a sample its head reads as +∞; the last step always compares.
        // The points compared are the original loop's, plus some after one sample is exhausted, where
        // |i·n₂ − j·n₁| only shrinks, so the maximum is the same.
        var best = 0
        var i = 0
        var j = 0
        var headA = baseA[0]
        var headB = baseB[0]
        let steps = n1 + n2
        for step in 1...steps {
            let takeA = headA <= headB
            let value = takeA ? headA : headB
            i &+= takeA ? 1 : 0
            j &+= takeA ? 0 : 1
            headA = i < n1 ? baseA[i] : .infinity
            headB = j < n2 ? baseB[j] : .infinity
            let next = headA <= headB ? headA : headB
            let diff = i &* n2 &- j &* n1
            let magnitude = diff < 0 ? 0 &- diff : diff
            let compare = next > value || step == steps || next.isNaN
            best = compare && magnitude > best ? magnitude : best
        }
        return best
    }

    /// Computes the statistic and p-value from `max |i·n₂ − j·n₁|`.
    static func pValue(maxScaledDifference: Int, n1: Int, n2: Int, method: Method) -> Result {
        let g = gcd(n1, n2)
        let statistic = Double(maxScaledDifference) / (Double(n1) * Double(n2))
        var useExact: Bool
        switch method {
        case .automatic: useExact = max(n1, n2) <= maximumExactSampleSize
        case .exact: useExact = (n1 / g) < Int(Int32.max) / (n2 / g)
        case .asymptotic: useExact = false
        }
        if useExact {
            let h = maxScaledDifference / g
            let lcm = (n1 / g) * n2
            let d = Double(h) / Double(lcm)
            if h == 0 {
                return Result(statistic: d, pValue: 1, isExact: true)
            }
            let p = n1 == n2 ? probabilityOutsideSquare(n1, h) : outerProbabilityInside(n1, n2, g, h)
            if p.isFinite && p >= 0 && p <= 1 {
                return Result(statistic: d, pValue: p, isExact: true)
            }
            useExact = false
        }
        let big = Double(max(n1, n2))
        let small = Double(min(n1, n2))
        let effective = (big * small / (big + small)).rounded(.toNearestOrEven)
        let p = KolmogorovDistribution.survival(statistic, n: max(1, Int(effective)))
        return Result(statistic: statistic, pValue: max(0, min(1, p)), isExact: false)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = a
        var y = b
        while y != 0 {
            (x, y) = (y, x % y)
        }
        return x
    }

    /// `P(D_{n,n} ≥ h/n)` by the Horner-like alternating sum of scipy's `_compute_prob_outside_square`.
    static func probabilityOutsideSquare(_ n: Int, _ h: Int) -> Double {
        // Each term `p1(k)` is a chain of `h` dependent multiply–divide steps; the chains of four consecutive `k`
        // run interleaved so the divisions overlap instead of waiting for each other. Every chain performs
        // exactly scipy's operations in scipy's order, so the result is bit-for-bit the serial one.
        var p = 0.0
        var k = n / h
        let nd = Double(n)
        while k >= 3 {
            let kh0 = Double(k * h)
            let kh1 = Double((k - 1) * h)
            let kh2 = Double((k - 2) * h)
            let kh3 = Double((k - 3) * h)
            var t0 = 1.0
            var t1 = 1.0
            var t2 = 1.0
            var t3 = 1.0
            for j in 0..<h {
                let jd = Double(j)
                t0 = (nd - kh0 - jd) * t0 / (nd + kh0 + jd + 1)
                t1 = (nd - kh1 - jd) * t1 / (nd + kh1 + jd + 1)
                t2 = (nd - kh2 - jd) * t2 / (nd + kh2 + jd + 1)
                t3 = (nd - kh3 - jd) * t3 / (nd + kh3 + jd + 1)
            }
            p = t0 * (1.0 - p)
            p = t1 * (1.0 - p)
            p = t2 * (1.0 - p)
            p = t3 * (1.0 - p)
            k -= 4
        }
        while k >= 0 {
            var p1 = 1.0
            let kh = Double(k * h)
            for j in 0..<h {
                let jd = Double(j)
                p1 = (nd - kh - jd) * p1 / (nd + kh + jd + 1)
            }
            p = p1 * (1.0 - p)
            k -= 1
        }
        return 2 * p
    }

    /// The proportion of lattice paths from (0, 0) to (m, n) leaving the band |x/m − y/n| < h/lcm(m, n).
    static func outerProbabilityInside(_ m0: Int, _ n0: Int, _ g: Int, _ h: Int) -> Double {
        let m = max(m0, n0)
        let n = min(m0, n0)
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(ceilDiv(h, mg), n + 1)
        var currentLength = maxj - minj
        let lengthA = min(2 * maxj + 2, n + 1)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: lengthA) { a -> Double in
            a.initialize(repeating: 1)
            for idx in minj..<maxj { a[idx] = 0 }
            for i in 1...m {
                let lastMinj = minj
                let lastLength = currentLength
                minj = max(floorDiv(ng * i - h, mg) + 1, 0)
                minj = min(minj, n)
                maxj = min(ceilDiv(ng * i + h, mg), n + 1)
                if maxj <= minj { return 1.0 }
                var value = minj == 0 ? 0.0 : 1.0
                let id = Double(i)
                for jj in 0..<(maxj - minj) {
                    let j = jj + minj
                    value = (a[jj + minj - lastMinj] * id + value * Double(j)) / (id + Double(j))
                    a[jj] = value
                }
                currentLength = maxj - minj
                if lastLength > currentLength {
                    let start = maxj - minj
                    let end = min(start + (lastLength - currentLength), lengthA)
                    if start < end {
                        for idx in start..<end { a[idx] = 1 }
                    }
                }
            }
            return a[maxj - minj - 1]
        }
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func ceilDiv(_ a: Int, _ b: Int) -> Int {
        -floorDiv(-a, b)
    }
}
