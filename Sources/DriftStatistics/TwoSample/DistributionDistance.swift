import RealModule

/// Distances between two discrete distributions given as counts (or weights) over the same bins.
///
/// - Jensen–Shannon distance: `scipy.spatial.distance.jensenshannon(p, q, base)` (scipy 1.17): both vectors are
///   normalised to sum to one, `JS = √((KL(p‖m) + KL(q‖m)) / 2)` with `m = (p + q)/2`, natural logarithm unless a
///   base is given (base 2 bounds the distance by 1). Lin (1991), IEEE Trans. Inf. Theory 37(1).
/// - Hellinger distance: `H = ‖√p − √q‖₂ / √2`, in [0, 1] (computed in this form, not as `√(1 − BC)`, to avoid
///   cancellation for close distributions).
///
/// Memory: O(1); no allocation.
public enum DistributionDistance {
    /// The Jensen–Shannon distance.
    ///
    /// - Parameters:
    ///   - p: Weights of the first distribution (non-negative).
    ///   - q: Weights of the second distribution, same length.
    ///   - base: The logarithm base; `nil` for the natural logarithm (scipy's default).
    /// - Returns: The distance.
    /// - Throws: ``StatisticsError`` `.mismatchedLengths`, or `.emptySample` for a zero total.
    /// - Complexity: O(bins).
    public static func jensenShannon(
        _ p: some Collection<Double>,
        _ q: some Collection<Double>,
        base: Double? = nil
    ) throws(StatisticsError) -> Double {
        let (sp, sq) = try totals(p, q)
        var js = 0.0
        for (a, b) in zip(p, q) {
            let pa = a / sp
            let qb = b / sq
            let m = (pa + qb) / 2.0
            js += relativeEntropy(pa, m) + relativeEntropy(qb, m)
        }
        if let base {
            js /= Double.log(base)
        }
        return (js / 2.0).squareRoot()
    }

    /// The Hellinger distance `‖√p − √q‖₂ / √2`.
    ///
    /// - Parameters:
    ///   - p: Weights of the first distribution (non-negative).
    ///   - q: Weights of the second distribution, same length.
    /// - Returns: The distance in [0, 1].
    /// - Throws: ``StatisticsError`` `.mismatchedLengths`, or `.emptySample` for a zero total.
    /// - Complexity: O(bins).
    public static func hellinger(
        _ p: some Collection<Double>,
        _ q: some Collection<Double>
    ) throws(StatisticsError)
        -> Double
    {
        let (sp, sq) = try totals(p, q)
        var sum = 0.0
        for (a, b) in zip(p, q) {
            let d = (a / sp).squareRoot() - (b / sq).squareRoot()
            sum += d * d
        }
        return sum.squareRoot() / 2.0.squareRoot()
    }

    /// `scipy.special.rel_entr(x, y)`.
    private static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x > 0 && y > 0 { return x * Double.log(x / y) }
        if x == 0 && y >= 0 { return 0 }
        return .infinity
    }

    private static func totals(
        _ p: some Collection<Double>,
        _ q: some Collection<Double>
    ) throws(StatisticsError) -> (Double, Double) {
        guard p.count == q.count else {
            throw StatisticsError(.mismatchedLengths, "Both distributions must have the same number of bins.")
        }
        var sp = 0.0
        var sq = 0.0
        for v in p { sp += v }
        for v in q { sq += v }
        guard sp > 0, sq > 0 else {
            throw StatisticsError(.emptySample, "Both distributions must have a positive total weight.")
        }
        return (sp, sq)
    }
}
