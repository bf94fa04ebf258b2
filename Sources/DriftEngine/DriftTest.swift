/// The two-sample test or distance that decides whether one feature (or the prediction) drifted.
///
/// Numeric streams use ``ks``, ``psi``, ``wasserstein`` or ``jensenShannon``; categorical streams use
/// ``chiSquare``, ``psi`` or ``jensenShannon``. Tests with a p-value (KS, chi-square) take part in the
/// multiple-testing correction; distances decide by their effect-size threshold alone.
public enum DriftTest: String, Sendable, Hashable, Codable, CaseIterable {
    /// Two-sample Kolmogorov–Smirnov (`scipy.stats.ks_2samp`), numeric only; gated by normalised Wasserstein.
    case ks
    /// Population stability index on equal-frequency reference bins (numeric) or categories.
    case psi
    /// Wasserstein-1 distance normalised by the reference standard deviation (Evidently), numeric only.
    case wasserstein
    /// Jensen–Shannon distance (natural log) on reference bins or categories.
    case jensenShannon = "jensen_shannon"
    /// Pearson chi-square homogeneity test with unseen-category bucket, categorical only; gated by PSI.
    case chiSquare = "chi_square"

    /// Whether the test applies to numeric streams.
    public var appliesToNumeric: Bool { self != .chiSquare }
    /// Whether the test applies to categorical streams.
    public var appliesToCategorical: Bool { self != .ks && self != .wasserstein }
    /// Whether the test produces a p-value.
    public var hasPValue: Bool { self == .ks || self == .chiSquare }
}

/// Which multiple-testing correction is applied across the features of one model at one evaluation.
public enum CorrectionMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Benjamini–Hochberg false discovery rate (`statsmodels` `fdr_bh`).
    case bh
    /// Bonferroni family-wise error rate.
    case bonferroni
    /// No correction: each feature is tested at the raw p-value threshold.
    case none
}

/// The streaming detector run on the per-request error indicator.
public enum ErrorDetectorChoice: String, Sendable, Hashable, Codable, CaseIterable {
    /// HDDM_A (Frías-Blanco et al. 2015), River defaults.
    case hddmA = "hddm_a"
    /// HDDM_W, River defaults.
    case hddmW = "hddm_w"
    /// DDM (Gama et al. 2004), River defaults.
    case ddm
    /// EDDM (Baena-García et al. 2006), River defaults.
    case eddm
    /// FHDDM (Pesaranghader & Viktor 2016), River defaults.
    case fhddm
    /// ADWIN (Bifet & Gavaldà 2007) on the 0/1 error stream, River defaults.
    case adwin
    /// No streaming detector; only the window rules.
    case none
}

/// The change detector run on log-latency.
public enum LatencyDetectorChoice: String, Sendable, Hashable, Codable, CaseIterable {
    /// Page–Hinkley on `ln(latency µs)`, increases only.
    case pageHinkley = "page_hinkley"
    /// ADWIN on `ln(latency µs)`.
    case adwin
    /// No change detector; only the quantile ratio rule.
    case none
}

/// The label-based quality metric watched for drops.
public enum AccuracyMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// Share of correct class predictions (classification).
    case accuracy
    /// F1 of the positive class (classification; needs `positive_class`).
    case f1
    /// Precision of the positive class (classification; needs `positive_class`).
    case precision
    /// Recall of the positive class (classification; needs `positive_class`).
    case recall
    /// Mean absolute error (regression; a rise is a drop in quality).
    case mae
    /// Root mean squared error (regression; a rise is a drop in quality).
    case rmse

    /// Whether larger values are better.
    public var higherIsBetter: Bool { self != .mae && self != .rmse }
    /// Whether the metric needs class predictions.
    public var isClassification: Bool { higherIsBetter }
}
