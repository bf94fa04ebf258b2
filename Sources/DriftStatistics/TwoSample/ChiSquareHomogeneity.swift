/// Pearson's chi-square test of homogeneity for a 2 × k table (reference vs current category counts).
///
/// Source: `scipy.stats.chi2_contingency(table, correction=True)` (scipy 1.17): expected counts from the margins,
/// statistic `Σ (O − E)² / E`, p-value `chi2.sf(stat, k − 1)`. Yates' continuity correction is applied only when
/// the degrees of freedom are 1 (two categories), exactly as scipy does by default: each observed count moves by
/// `min(0.5, |E − O|)` toward its expected count. Tables with more than two categories are never corrected.
///
/// Unseen categories (present in current, absent in reference) are simply columns whose reference count is zero;
/// the ``CategoricalFrequencyTable`` folds values beyond its cap into one "unseen" column. Columns empty in
/// both samples carry no information and are dropped (scipy raises on them).
///
/// Assumptions: independent observations; expected counts ≳ 5 for the χ² approximation. Memory: O(1).
public enum ChiSquareHomogeneity {
    /// The outcome of the test.
    public struct Result: Sendable, Hashable, Codable {
        /// The (possibly Yates-corrected) Pearson statistic.
        public var statistic: Double
        /// `P(χ²_dof ≥ statistic)`.
        public var pValue: Double
        /// Degrees of freedom: (non-empty categories − 1).
        public var degreesOfFreedom: Int
    }

    /// Runs the test.
    ///
    /// - Parameters:
    ///   - referenceCounts: Reference counts per category.
    ///   - currentCounts: Current counts per category (same categories, same order).
    ///   - yatesCorrection: Apply Yates' correction when there is one degree of freedom (scipy's default `true`).
    /// - Returns: Statistic, p-value and degrees of freedom. With fewer than two non-empty categories the
    ///   statistic is 0, the p-value 1 and the degrees of freedom 0.
    /// - Throws: ``StatisticsError`` `.mismatchedLengths`, `.emptySample` if either row sums to zero,
    ///   `.invalidProbability` for a negative count.
    /// - Complexity: O(k), no allocation.
    public static func test(
        referenceCounts: some Collection<Double>,
        currentCounts: some Collection<Double>,
        yatesCorrection: Bool = true
    ) throws(StatisticsError) -> Result {
        guard referenceCounts.count == currentCounts.count else {
            throw StatisticsError(.mismatchedLengths, "Reference and current must list the same categories.")
        }
        var rowR = 0.0
        var rowC = 0.0
        var columns = 0
        for (r, c) in zip(referenceCounts, currentCounts) {
            guard r >= 0, c >= 0 else {
                throw StatisticsError(.invalidProbability, "Category counts must be non-negative.")
            }
            rowR += r
            rowC += c
            if r + c > 0 { columns += 1 }
        }
        guard rowR > 0, rowC > 0 else {
            throw StatisticsError(.emptySample, "Both samples of a chi-square test must hold observations.")
        }
        let dof = columns - 1
        if dof <= 0 {
            return Result(statistic: 0, pValue: 1, degreesOfFreedom: 0)
        }
        let total = rowR + rowC
        let correct = yatesCorrection && dof == 1
        var statistic = 0.0
        for (r, c) in zip(referenceCounts, currentCounts) {
            let column = r + c
            if column == 0 { continue }
            statistic += term(observed: r, expected: rowR * column / total, correct: correct)
            statistic += term(observed: c, expected: rowC * column / total, correct: correct)
        }
        let p = SpecialFunctions.chiSquareSurvival(statistic, degreesOfFreedom: Double(dof))
        return Result(statistic: statistic, pValue: p, degreesOfFreedom: dof)
    }

    /// Runs the test on arrays: the same computation as the generic form, compiled for `[Double]` in this module,
    /// so a caller in another module does not run the unspecialised generic (witness calls per element).
    ///
    /// - Parameters:
    ///   - referenceCounts: Reference counts per category.
    ///   - currentCounts: Current counts per category (same categories, same order).
    ///   - yatesCorrection: Apply Yates' correction when there is one degree of freedom.
    /// - Returns: Statistic, p-value and degrees of freedom.
    /// - Throws: as the generic form.
    /// - Complexity: O(k), no allocation.
    public static func test(
        referenceCounts: [Double],
        currentCounts: [Double],
        yatesCorrection: Bool = true
    ) throws(StatisticsError) -> Result {
        try test(
            referenceCounts: referenceCounts[...],
            currentCounts: currentCounts[...],
            yatesCorrection: yatesCorrection
        )
    }

    private static func term(observed: Double, expected: Double, correct: Bool) -> Double {
        var o = observed
        if correct {
            let diff = expected - o
            let magnitude = min(0.5, abs(diff))
            o += diff > 0 ? magnitude : (diff < 0 ? -magnitude : 0)
        }
        let d = o - expected
        return d * d / expected
    }
}
