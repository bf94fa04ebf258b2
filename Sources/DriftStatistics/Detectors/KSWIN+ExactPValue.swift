extension KSWIN {
    /// Exact two-sided p-values `P(D ≥ h/n)` of the two-sample Kolmogorov–Smirnov statistic for two samples of
    /// the same size `n`, for `h = 0 … n`.
    ///
    /// This is scipy 1.17's `_compute_prob_outside_square(n, h)` (the path `ks_2samp(method="auto")` takes for
    /// equal sizes up to 10,000), evaluated with the same Horner-like recurrence and the same floating-point
    /// operations, so the values agree with scipy's to the last bit: `P = 2·A₀(1 − A₁(1 − A₂(…)))` with `Aₖ` the
    /// ratio of binomials `C(2n, n − kh)/C(2n, n − (k−1)h)` built from `h` simple factors. As in scipy, `h = 0` has
    /// p-value 1. Where the recurrence leaves [0, 1] (small `h`, whose p-value is 1 to double precision) scipy falls
    /// back to the asymptotic distribution, which there is also 1; the table clips to [0, 1] instead.
    /// - Complexity: O(n²) in all, once per configuration.
    static func exactEqualSizePValues(_ n: Int) -> [Double] {
        var table = [Double](repeating: 1, count: n + 1)
        for h in 1...n {
            var p = 0.0
            var k = n / h
            while k >= 0 {
                var term = 1.0
                for j in 0..<h {
                    term = Double(n - k * h - j) * term / Double(n + k * h + j + 1)
                }
                p = term * (1.0 - p)
                k -= 1
            }
            table[h] = min(max(2 * p, 0), 1)
        }
        return table
    }
}
