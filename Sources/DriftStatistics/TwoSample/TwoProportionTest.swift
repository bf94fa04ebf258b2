/// The two-proportion z-test for rates such as error rate and missing rate, reference vs current.
///
/// Source: `statsmodels.stats.proportion.proportions_ztest(count, nobs, alternative="two-sided")` with its default
/// pooled variance: `p̂ = (x₁ + x₂)/(n₁ + n₂)`, `z = (x₁/n₁ − x₂/n₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂))`,
/// p-value `2·Φ(−|z|)`. Assumptions: independent Bernoulli trials; n·p ≳ 5 in each group. Memory: O(1).
public enum TwoProportionTest {
    /// The outcome of the test.
    public struct Result: Sendable, Hashable, Codable {
        /// The z statistic (positive when the reference rate is higher).
        public var statistic: Double
        /// The two-sided p-value.
        public var pValue: Double
        /// Reference rate `x₁/n₁`.
        public var referenceRate: Double
        /// Current rate `x₂/n₂`.
        public var currentRate: Double
    }

    /// Runs the test.
    ///
    /// - Parameters:
    ///   - referenceSuccesses: Events counted in the reference (e.g. errors).
    ///   - referenceTrials: Reference observations.
    ///   - currentSuccesses: Events counted in the current window.
    ///   - currentTrials: Current observations.
    /// - Returns: z, p-value and both rates. When both rates are 0 or both 1 (zero pooled variance) z is 0 and
    ///   the p-value 1 (statsmodels returns NaN there).
    /// - Throws: ``StatisticsError`` `.emptySample` for zero trials, `.invalidProbability` if successes exceed
    ///   trials or are negative.
    public static func test(
        referenceSuccesses: Int,
        referenceTrials: Int,
        currentSuccesses: Int,
        currentTrials: Int
    ) throws(StatisticsError) -> Result {
        guard referenceTrials > 0, currentTrials > 0 else {
            throw StatisticsError(.emptySample, "Both groups of a proportion test need at least one trial.")
        }
        guard referenceSuccesses >= 0, currentSuccesses >= 0, referenceSuccesses <= referenceTrials,
            currentSuccesses <= currentTrials
        else {
            throw StatisticsError(.invalidProbability, "Successes must lie between zero and the number of trials.")
        }
        let n1 = Double(referenceTrials)
        let n2 = Double(currentTrials)
        let p1 = Double(referenceSuccesses) / n1
        let p2 = Double(currentSuccesses) / n2
        let pooled = Double(referenceSuccesses + currentSuccesses) / (n1 + n2)
        let variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
        guard variance > 0 else {
            return Result(statistic: 0, pValue: 1, referenceRate: p1, currentRate: p2)
        }
        let z = (p1 - p2) / variance.squareRoot()
        let p = 2 * SpecialFunctions.normalSurvival(abs(z))
        return Result(statistic: z, pValue: min(1, p), referenceRate: p1, currentRate: p2)
    }
}
