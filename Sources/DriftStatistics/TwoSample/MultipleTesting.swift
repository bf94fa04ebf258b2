/// Multiple-testing correction across features, with `statsmodels.stats.multitest.multipletests` semantics.
///
/// - Bonferroni (`method="bonferroni"`): adjusted `p·m` clipped to 1; reject when `p ≤ α/m`.
/// - Benjamini–Hochberg (`method="fdr_bh"`): Benjamini & Hochberg (1995), JRSS B 57(1). With p-values sorted
///   ascending, reject the first `k` where `k` is the largest rank with `p₍ₖ₎ ≤ kα/m`; adjusted values are the
///   running minimum from the top of `p₍ᵢ₎·m/i`, clipped to 1, returned in the input order.
///
/// Memory: `adjusted(_:)` writes into caller-provided storage; BH needs O(m) scratch for the ranks.
public enum MultipleTesting {
    /// The correction method.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// Family-wise error rate control by Bonferroni.
        case bonferroni
        /// False discovery rate control by Benjamini–Hochberg.
        case benjaminiHochberg
    }

    /// The corrected decisions.
    public struct Result: Sendable, Hashable, Codable {
        /// Whether each hypothesis is rejected at the family level α, in input order.
        public var rejected: [Bool]
        /// Adjusted p-values, in input order.
        public var adjustedPValues: [Double]
    }

    /// Applies a correction.
    ///
    /// - Parameters:
    ///   - pValues: Raw p-values (each in [0, 1]).
    ///   - alpha: The family-level error rate, in (0, 1).
    ///   - method: The correction.
    /// - Returns: Rejections and adjusted p-values in input order.
    /// - Throws: ``StatisticsError`` `.invalidProbability` for a p-value outside [0, 1] or NaN, `.invalidParameter`
    ///   for α outside (0, 1).
    /// - Complexity: O(m) for Bonferroni, O(m log m) for Benjamini–Hochberg.
    public static func correct(
        _ pValues: [Double],
        alpha: Double = 0.05,
        method: Method
    ) throws(StatisticsError) -> Result {
        guard alpha > 0, alpha < 1 else {
            throw StatisticsError(.invalidParameter, "The family-level alpha must lie strictly between 0 and 1.")
        }
        for p in pValues where !(p >= 0 && p <= 1) {
            throw StatisticsError(.invalidProbability, "Every p-value must lie in [0, 1].")
        }
        let m = pValues.count
        if m == 0 { return Result(rejected: [], adjustedPValues: []) }
        let md = Double(m)
        switch method {
        case .bonferroni:
            let threshold = alpha / md
            return Result(
                rejected: pValues.map { $0 <= threshold },
                adjustedPValues: pValues.map { min(1, $0 * md) }
            )
        case .benjaminiHochberg:
            // Stable sort by p-value, as numpy's mergesort in statsmodels.
            let order = pValues.indices.sorted { a, b in
                pValues[a] < pValues[b] || (pValues[a] == pValues[b] && a < b)
            }
            var lastRejected = -1
            for (rank, index) in order.enumerated() where pValues[index] <= Double(rank + 1) / md * alpha {
                lastRejected = rank
            }
            var rejected = [Bool](repeating: false, count: m)
            var adjusted = [Double](repeating: 0, count: m)
            var running = Double.infinity
            for rank in stride(from: m - 1, through: 0, by: -1) {
                let index = order[rank]
                let raw = pValues[index] / (Double(rank + 1) / md)
                running = min(running, raw)
                adjusted[index] = min(1, running)
                rejected[index] = rank <= lastRejected
            }
            return Result(rejected: rejected, adjustedPValues: adjusted)
        }
    }
}
