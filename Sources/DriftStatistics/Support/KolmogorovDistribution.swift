import RealModule

/// The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic `D_n` and of the one-sided
/// Smirnov statistic `D_n+`, for finite `n`.
///
/// A port of scipy 1.17's `scipy.stats.kstwo` (`scipy/stats/_ksstats.py`, the Simard & L'Ecuyer (2011) selection
/// of methods) and of `scipy.special.smirnov` (Cephes/xsf `kolmogorov.h`, the Birnbaum–Tingey sum):
/// - Durbin's matrix method in the form of Marsaglia, Tsang & Wang (2003), J. Stat. Softw. 8(18);
/// - Pomeranz's recursion (1974), CACM 17(12);
/// - the Pelz–Good (1976) asymptotic series;
/// - the exact Birnbaum–Tingey sum for `P(D_n+ ≥ x)` (summed in log space; all terms are positive, so no
///   double-double arithmetic is needed to reach ~1e-12 relative accuracy).
///
/// `twoSample` asymptotic p-values of ``KolmogorovSmirnov`` use ``survival(_:n:)``.
public enum KolmogorovDistribution {
    private static let e128 = 0x1p128
    private static let em128 = 0x1p-128
    private static let minLog = -708.3964185322641

    /// `P(D_n ≥ x)` for the two-sided one-sample statistic, as `scipy.stats.kstwo.sf(x, n)`.
    ///
    /// - Parameters:
    ///   - x: The statistic value.
    ///   - n: The sample size, `n ≥ 1`.
    /// - Returns: The survival probability, clipped to [0, 1].
    /// - Complexity: O(1) to O(m³ log n) with `m ≤ 2·⌈n·x⌉`, as in scipy.
    public static func survival(_ x: Double, n: Int) -> Double {
        guard n > 0, !x.isNaN else { return .nan }
        let nd = Double(n)
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let cdf: Double
            if n <= 140 {
                var product = 1.0
                for i in 1...n {
                    product *= Double(i) * (1.0 / nd) * (2 * t - 1)
                }
                cdf = product
            } else {
                cdf = Double.exp(logFactorialOverPower(n) + nd * Double.log(2 * t - 1))
            }
            return clip(1 - cdf)
        }
        if t >= nd - 1 {
            return clip(2 * Double.pow(1 - x, nd))
        }
        if x >= 0.5 {
            return clip(2 * smirnovSurvival(x, n: n))
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                return clip(1 - durbinMatrixCDF(x, n: n))
            }
            if nxSquared <= 4 {
                return clip(1 - pomeranzCDF(x, n: n))
            }
            return clip(2 * smirnovSurvival(x, n: n))
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 {
            return clip(2 * smirnovSurvival(x, n: n))
        }
        let cdf: Double
        if nxSquared >= 18 {
            cdf = 1
        } else if n <= 100_000 && nd * Double.pow(x, 1.5) <= 1.4 {
            cdf = durbinMatrixCDF(x, n: n)
        } else {
            cdf = pelzGoodCDF(x, n: n)
        }
        return clip(1 - cdf)
    }

    /// `P(D_n+ ≥ x)` for the one-sided statistic, as `scipy.special.smirnov(n, x)`.
    ///
    /// - Parameters:
    ///   - x: The statistic value in [0, 1].
    ///   - n: The sample size, `n ≥ 1`.
    /// - Returns: The survival probability.
    /// - Complexity: O(n(1 − x)) terms at most, usually far fewer (the sum stops when the rest is negligible).
    public static func smirnovSurvival(_ x: Double, n: Int) -> Double {
        guard n > 0, x >= 0, x <= 1 else { return .nan }
        if n == 1 { return 1 - x }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        let nd = Double(n)
        let nx = nd * x
        var nxFloor = nx.rounded(.down)
        // Exact remainder of n·x: fma computes n·x − ⌊n·x⌋ without rounding the product first.
        var alpha = (-nxFloor).addingProduct(nd, x)
        if alpha < 0 {
            nxFloor -= 1
            alpha += 1
        }
        if alpha >= 1 {
            nxFloor += 1
            alpha -= 1
        }
        let nxfl = Int(nxFloor)
        var lastTerm = n - nxfl - (alpha == 0 ? 0 : 1)
        if alpha == 0 { lastTerm -= 1 }

        if nxfl == 0 || (nxfl == 1 && alpha == 0) {
            let cdf = x * Double.pow(1 + x, nd - 1)
            return max(0, min(1, 1 - cdf))
        }
        if -2 * nd * x * x < minLog { return 0 }
        if nxfl >= n - 1 {
            return Double.pow(1 - x, nd)
        }
        if n > 1_000_000 {
            let logp = -Double.pow(6.0 * nd * x + 1, 2) / 18.0 / nd
            return logp < -Double.log(2) ? Double.exp(logp) : 1 + Double.expMinusOne(logp)
        }
        // Birnbaum–Tingey: sf = x · Σ_{j=0}^{lastTerm} C(n, j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1).
        let logGammaN1 = Double.logGamma(nd + 1)
        var sum = Double.pow(1 - x, nd) / x
        let termCount = lastTerm + 1
        if termCount > 1 {
            for j in 1..<termCount {
                let jd = Double(j)
                let lower = (Double(n - j) - nxFloor - alpha) / nd  // 1 − x − j/n
                let upper = (nxFloor + alpha + jd) / nd  // x + j/n
                let logC = logGammaN1 - Double.logGamma(jd + 1) - Double.logGamma(Double(n - j) + 1)
                let logTerm = logC + Double(n - j) * Double.log(lower) + (jd - 1) * Double.log(upper)
                let term = Double.exp(logTerm)
                if term.isFinite && term != 0 {
                    sum += term
                }
                if term != 0 {
                    if 4 * Double(termCount - j) * term < Double.ulpOfOne * sum && j != termCount - 1 {
                        break
                    }
                } else if j > n / 2 {
                    break
                }
            }
        }
        return max(0, min(1, x * sum))
    }

    // MARK: - Internals

    private static func clip(_ p: Double) -> Double {
        max(0, min(1, p))
    }

    /// log(n! / nⁿ) by Stirling's series, as scipy's `_log_nfactorial_div_n_pow_n`.
    private static func logFactorialOverPower(_ n: Int) -> Double {
        let coefficients: [Double] = [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
            8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
            -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ]
        let nd = Double(n)
        let rn = 1.0 / nd
        let y = rn / nd
        var poly = 0.0
        for c in coefficients {
            poly = poly * y + c
        }
        return Double.log(nd) / 2 - nd + Double.log(2 * Double.pi) / 2 + rn * poly
    }

    /// Durbin's matrix method (Marsaglia–Tsang–Wang), `P(D_n ≤ d)`.
    static func durbinMatrixCDF(_ d: Double, n: Int) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var matrix = [Double](repeating: 0, count: m * m)
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] = (1 - Double.pow(h, Double(j))) * factorial
        }
        let tt = Double.pow(max(2 * h - 1, 0), Double(m)) - 2 * Double.pow(h, Double(m))
        v[m - 1] = (1 + tt) * factorial
        if m > 1 {
            for i in 1..<m {
                for r in (i - 1)..<m {
                    matrix[r * m + i] = w[r - (i - 1)]
                }
            }
        }
        for r in 0..<m {
            matrix[r * m] = v[r]
        }
        for c in 0..<m {
            matrix[(m - 1) * m + c] = v[m - 1 - c]
        }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            power[i * m + i] = 1
        }
        var scratch = [Double](repeating: 0, count: m * m)
        var remaining = n
        var exponent = 0
        var matrixExponent = 0
        while remaining > 0 {
            if remaining % 2 == 1 {
                multiply(power, matrix, into: &scratch, m)
                swap(&power, &scratch)
                exponent += matrixExponent
            }
            multiply(matrix, matrix, into: &scratch, m)
            swap(&matrix, &scratch)
            matrixExponent *= 2
            if abs(matrix[(k - 1) * m + (k - 1)]) > e128 {
                for i in 0..<(m * m) {
                    matrix[i] /= e128
                }
                matrixExponent += 128
            }
            remaining /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        let nn = Double(n)
        for i in 1...n {
            p = Double(i) * p / nn
            if abs(p) < em128 {
                p *= e128
                exponent -= 128
            }
        }
        if exponent != 0 {
            p = Double(sign: .plus, exponent: exponent, significand: p)
        }
        return clip(p)
    }

    private static func multiply(_ a: [Double], _ b: [Double], into c: inout [Double], _ m: Int) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<m {
                        for j in 0..<m {
                            pc[i * m + j] = 0
                        }
                        for l in 0..<m {
                            let ail = pa[i * m + l]
                            if ail == 0 { continue }
                            for j in 0..<m {
                                pc[i * m + j] += ail * pb[l * m + j]
                            }
                        }
                    }
                }
            }
        }
    }

    private static func pomeranzRange(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
        var j1: Int
        var j2: Int
        if i == 0 {
            j1 = -ll - ceilf - 1
            j2 = ll + ceilf - 1
        } else {
            let ip1div2 = (i + 1) / 2
            let ip1mod2 = (i + 1) % 2
            if ip1mod2 == 0 {
                if ip1div2 == n + 1 {
                    j1 = n - ll - ceilf - 1
                    j2 = n + ll + ceilf - 1
                } else {
                    j1 = ip1div2 - 1 - ll - roundf - 1
                    j2 = ip1div2 + ll - 1 + ceilf - 1
                }
            } else {
                j1 = ip1div2 - 1 - ll - 1
                j2 = ip1div2 + ll + roundf - 1
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// Pomeranz's recursion, `P(D_n ≤ x)`.
    static func pomeranzCDF(_ x: Double, n: Int) -> Double {
        let nd = Double(n)
        let t = nd * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let powerCount = 2 * (ll + 1)
        var gPower = [Double](repeating: 1, count: powerCount)
        var twoGPower = [Double](repeating: 1, count: powerCount)
        var oneMinusTwoGPower = [Double](repeating: 1, count: powerCount)
        let gOverN = g / nd
        let twoGOverN = 2 * g / nd
        let oneMinusTwoGOverN = (1 - 2 * g) / nd
        if powerCount > 1 {
            for m in 1..<powerCount {
                gPower[m] = gPower[m - 1] * gOverN / Double(m)
                twoGPower[m] = twoGPower[m - 1] * twoGOverN / Double(m)
                oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / Double(m)
            }
        }
        var v0 = [Double](repeating: 0, count: powerCount)
        var v1 = [Double](repeating: 0, count: powerCount)
        v1[0] = 1
        var v0Start = 0
        var v1Start = 0
        var exponent = 0
        var (j1, j2) = pomeranzRange(0, n, ll, ceilf, roundf)
        var conv = [Double](repeating: 0, count: 2 * powerCount)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0Start, &v1Start)
            for idx in 0..<powerCount { v1[idx] = 0 }
            (j1, j2) = pomeranzRange(i, n, ll, ceilf, roundf)
            let powers: [Double]
            if i == 1 || i == 2 * n + 1 {
                powers = gPower
            } else {
                powers = i % 2 == 1 ? twoGPower : oneMinusTwoGPower
            }
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                let aStart = k1 - v0Start
                let aLength = max(0, min(ln2, powerCount - aStart))
                let bLength = min(ln2, powerCount)
                let convLength = aLength + bLength - 1
                if convLength > 0 {
                    for idx in 0..<convLength { conv[idx] = 0 }
                    for ia in 0..<aLength {
                        let av = v0[aStart + ia]
                        if av == 0 { continue }
                        for ib in 0..<bLength {
                            conv[ia + ib] += av * powers[ib]
                        }
                    }
                }
                let convStart = j1 - k1
                let convCount = j2 - j1 + 1
                var maxValue = 0.0
                if convCount > 0 {
                    for idx in 0..<convCount where convStart + idx < convLength {
                        v1[idx] = conv[convStart + idx]
                        maxValue = max(maxValue, v1[idx])
                    }
                }
                if maxValue > 0 && maxValue < em128 {
                    for idx in 0..<powerCount { v1[idx] *= e128 }
                    exponent -= 128
                }
                v1Start = v0Start + j1 - k1
            }
        }
        var answer = v1[n - v1Start]
        for m in 1...n {
            if abs(answer) > e128 {
                answer *= em128
                exponent += 128
            }
            answer *= Double(m)
        }
        if exponent != 0 {
            answer = Double(sign: .plus, exponent: exponent, significand: answer)
        }
        return clip(answer)
    }

    /// The Pelz–Good approximation to `P(D_n ≤ x)`.
    static func pelzGoodCDF(_ x: Double, n: Int) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi
        let pi4 = pi2 * pi2
        let pi6 = pi4 * pi2
        let sqrt2Pi = (2 * Double.pi).squareRoot()
        let z = Double(n).squareRoot() * x
        let z2 = z * z
        let z3 = z2 * z
        let z4 = z2 * z2
        let z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = Double.exp(qlog)
        let k1a = -z2
        let k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * Double.pow(z, 8)
        var k0 = 0.0
        var k1 = 0.0
        var k2 = 0.0
        var k3 = 0.0
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let m2 = m * m
                let m4 = m2 * m2
                let m6 = m4 * m2
                let qpower = Double.pow(q, Double(8 * k))
                k0 = k0 * qpower + 1.0
                k1 = k1 * qpower + (k1a + k1b * m2)
                k2 = k2 * qpower + (k2a + k2b * m2 + k2c * m4)
                k3 = k3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6)
            }
        }
        k0 = k0 * q * sqrt2Pi / z
        k1 = k1 * q * sqrt2Pi / (6 * z4)
        k2 = k2 * q * sqrt2Pi / (72 * Double.pow(z, 7))
        k3 = k3 * q * sqrt2Pi / (6480 * Double.pow(z, 10))
        q = Double.exp(-pi2 / 2 / z2)
        var k2extra = 0.0
        var k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let kd = Double(k)
                let qp = Double.pow(q, kd * kd)
                k2extra += kd * kd * qp
                let kspi = Double.pi * kd
                k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * kd * kd * qp
            }
        }
        k2 += k2extra * pi2 * sqrt2Pi / (-36 * z3)
        k3 += k3extra * pi2 * sqrt2Pi / (216 * z6)
        let nd = Double(n)
        k1 /= nd.squareRoot()
        k2 /= nd
        k3 /= Double.pow(nd, 1.5)
        return k0 + k1 + k2 + k3
    }
}
