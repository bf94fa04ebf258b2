/// One feature's drift statistics at the time a retraining trigger was created (JSON; `docs/triggers.md`).
///
/// Every monitored feature of the model version is listed, drifted or not, so a training job can see the whole
/// picture: the test, its statistic and p-values, the effect size and the thresholds it was judged against.
public struct FeatureEvidence: Sendable, Hashable, Codable {
    /// The feature name.
    public var feature: String
    /// The test used, e.g. `ks`, `chi_square`, `psi`.
    public var test: String
    /// The test statistic.
    public var statistic: Double
    /// The raw p-value, for tests that have one.
    public var pValue: Double?
    /// The p-value after the multiple-testing correction, for tests that have one.
    public var adjustedPValue: Double?
    /// The significance level the adjusted p-value was compared with.
    public var pValueThreshold: Double?
    /// The effect size (normalised Wasserstein for KS, PSI for chi-square, else the statistic).
    public var effectSize: Double
    /// The effect size that makes a drift.
    public var effectSizeThreshold: Double
    /// Whether the feature drifted.
    public var drifted: Bool
    /// Values in the current window.
    public var currentCount: Int
    /// Values in the reference.
    public var referenceCount: Int

    /// Creates feature evidence.
    /// - Parameters:
    ///   - feature: the feature name.
    ///   - test: the test's name.
    ///   - statistic: the test statistic.
    ///   - pValue: the raw p-value, if any.
    ///   - adjustedPValue: the corrected p-value, if any.
    ///   - pValueThreshold: the significance level, if the test has a p-value.
    ///   - effectSize: the effect size.
    ///   - effectSizeThreshold: the effect size that makes a drift.
    ///   - drifted: whether the feature drifted.
    ///   - currentCount: values in the current window.
    ///   - referenceCount: values in the reference.
    public init(
        feature: String,
        test: String,
        statistic: Double,
        pValue: Double?,
        adjustedPValue: Double?,
        pValueThreshold: Double?,
        effectSize: Double,
        effectSizeThreshold: Double,
        drifted: Bool,
        currentCount: Int,
        referenceCount: Int
    ) {
        self.feature = feature
        self.test = test
        self.statistic = statistic
        self.pValue = pValue
        self.adjustedPValue = adjustedPValue
        self.pValueThreshold = pValueThreshold
        self.effectSize = effectSize
        self.effectSizeThreshold = effectSizeThreshold
        self.drifted = drifted
        self.currentCount = currentCount
        self.referenceCount = referenceCount
    }

    enum CodingKeys: String, CodingKey {
        case feature
        case test
        case statistic
        case pValue = "p_value"
        case adjustedPValue = "adjusted_p_value"
        case pValueThreshold = "p_value_threshold"
        case effectSize = "effect_size"
        case effectSizeThreshold = "effect_size_threshold"
        case drifted
        case currentCount = "current_count"
        case referenceCount = "reference_count"
    }
}
