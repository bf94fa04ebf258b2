import RealModule

/// The population stability index over shared bins.
///
/// Definition (Evidently's `psi_stat_test` / `get_binned_data` with `feel_zeroes=True`, and feature_engine's
/// `DropHighPSIFeatures`, which is the same sum with the factors' signs swapped):
/// `PSI = Σ (r_i − c_i) · ln(r_i / c_i)` where `r_i`, `c_i` are the reference and current proportions per bin and a
/// proportion of exactly zero is replaced by ``emptyBinProportion`` (0.0001) in either distribution.
///
/// Assumptions: both distributions are counted on the same bins (equal-frequency reference bins from
/// ``EqualFrequencyHistogram`` with its under/over-range bins, or categories). Memory: O(1).
public enum PopulationStabilityIndex {
    /// The proportion substituted for an empty bin (Evidently and feature_engine use 0.0001).
    public static let emptyBinProportion = 0.0001

    /// PSI from per-bin counts in arrays: the generic form compiled for `[Double]` in this module, so a caller in
    /// another module does not run it unspecialised.
    ///
    /// - Parameters:
    ///   - referenceCounts: Reference counts per bin.
    ///   - currentCounts: Current counts per bin, same length.
    ///   - emptyBinProportion: The proportion used for an empty bin.
    /// - Returns: The index.
    /// - Throws: as the generic form.
    /// - Complexity: O(bins), no allocation.
    public static func index(
        referenceCounts: [Double],
        currentCounts: [Double],
        emptyBinProportion: Double = emptyBinProportion
    ) throws(StatisticsError) -> Double {
        try index(
            referenceCounts: referenceCounts[...],
            currentCounts: currentCounts[...],
            emptyBinProportion: emptyBinProportion
        )
    }

    /// PSI from per-bin counts.
    ///
    /// - Parameters:
    ///   - referenceCounts: Reference counts per bin.
    ///   - currentCounts: Current counts per bin, same length.
    ///   - emptyBinProportion: The proportion used for an empty bin.
    /// - Returns: The index (0 when the distributions agree).
    /// - Throws: ``StatisticsError`` `.mismatchedLengths` or `.emptySample` (a distribution with zero total).
    /// - Complexity: O(bins), no allocation.
    public static func index(
        referenceCounts: some Collection<Double>,
        currentCounts: some Collection<Double>,
        emptyBinProportion: Double = emptyBinProportion
    ) throws(StatisticsError) -> Double {
        guard referenceCounts.count == currentCounts.count else {
            throw StatisticsError(.mismatchedLengths, "Reference and current must have the same number of bins.")
        }
        var referenceTotal = 0.0
        var currentTotal = 0.0
        for c in referenceCounts { referenceTotal += c }
        for c in currentCounts { currentTotal += c }
        guard referenceTotal > 0, currentTotal > 0 else {
            throw StatisticsError(.emptySample, "Both distributions of a PSI must have a positive total.")
        }
        var psi = 0.0
        for (r, c) in zip(referenceCounts, currentCounts) {
            var pr = r / referenceTotal
            var pc = c / currentTotal
            if pr == 0 { pr = emptyBinProportion }
            if pc == 0 { pc = emptyBinProportion }
            psi += (pr - pc) * Double.log(pr / pc)
        }
        return psi
    }
}
