import RealModule

/// Special functions used by the tests in this module: the regularized incomplete gamma function (chi-square
/// tail probabilities) and the normal tail.
///
/// Sources: Numerical Recipes, 3rd ed., §6.2 (series and Lentz continued fraction for the incomplete gamma
/// function); the normal tail is `erfc(z/√2)/2` as in Cephes `ndtr`. Accuracy is close to double precision
/// (relative error about 1e-14 in the ranges used by chi-square tests with fewer than a few thousand degrees of
/// freedom).
public enum SpecialFunctions {
    /// The regularized upper incomplete gamma function `Q(a, x) = Γ(a, x) / Γ(a)`.
    ///
    /// - Parameters:
    ///   - a: The shape, `a > 0`.
    ///   - x: The lower limit of integration, `x ≥ 0`.
    /// - Returns: `Q(a, x)` in [0, 1]; NaN for arguments outside the domain.
    /// - Complexity: O(√a) iterations at most a few hundred.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0, !a.isNaN, !x.isNaN else { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 {
            return 1 - lowerSeries(a, x)
        }
        return upperContinuedFraction(a, x)
    }

    /// The regularized lower incomplete gamma function `P(a, x) = γ(a, x) / Γ(a) = 1 - Q(a, x)`.
    ///
    /// - Parameters:
    ///   - a: The shape, `a > 0`.
    ///   - x: The upper limit of integration, `x ≥ 0`.
    /// - Returns: `P(a, x)` in [0, 1]; NaN for arguments outside the domain.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0, !a.isNaN, !x.isNaN else { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 {
            return lowerSeries(a, x)
        }
        return 1 - upperContinuedFraction(a, x)
    }

    /// The survival function of the chi-square distribution, as `scipy.stats.chi2.sf(x, df)`.
    ///
    /// - Parameters:
    ///   - x: The statistic.
    ///   - degreesOfFreedom: Degrees of freedom, `> 0`.
    /// - Returns: `P(X ≥ x)`.
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom: Double) -> Double {
        if x <= 0 { return 1 }
        return regularizedGammaQ(degreesOfFreedom / 2, x / 2)
    }

    /// The survival function of the standard normal distribution, `P(Z ≥ z)`, as `scipy.stats.norm.sf`.
    ///
    /// - Parameter z: The standard score.
    /// - Returns: `erfc(z/√2)/2`.
    public static func normalSurvival(_ z: Double) -> Double {
        0.5 * Double.erfc(z / 2.0.squareRoot())
    }

    // MARK: - Incomplete gamma internals

    /// `log(x^a e^-x / Γ(a))`, the common prefactor.
    private static func logPrefactor(_ a: Double, _ x: Double) -> Double {
        a * Double.log(x) - x - Double.logGamma(a)
    }

    /// Series for P(a, x), converging for x < a + 1.
    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var ap = a
        var sum = 1 / a
        var del = sum
        for _ in 0..<10_000 {
            ap += 1
            del *= x / ap
            sum += del
            if abs(del) < abs(sum) * Double.ulpOfOne { break }
        }
        return min(1, sum * Double.exp(logPrefactor(a, x)))
    }

    /// Modified Lentz continued fraction for Q(a, x), converging for x ≥ a + 1.
    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 10_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < Double.ulpOfOne { break }
            i += 1
        }
        return min(1, Double.exp(logPrefactor(a, x)) * h)
    }
}
