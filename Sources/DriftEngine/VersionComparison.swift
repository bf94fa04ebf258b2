import DriftProtocol
import DriftStatistics

/// A candidate (canary) model version judged against the incumbent on their current windows: the same features
/// tested against each other, the error rates compared, and the headline figures side by side.
///
/// Each numeric feature's current window of the candidate is tested against the incumbent's with the two-sample
/// Kolmogorov–Smirnov test (scipy's `ks_2samp`, exact p-values up to 10 000 values per side), the p-values are
/// corrected across features with the model's `data_drift.correction` and compared with its `data_drift.p_value`;
/// the error rates with a two-proportion z-test at the model's `error_rate.p_value`. Categorical features are not
/// compared yet. Built by ``MonitorEngine/compareVersions(model:incumbent:candidate:)``; pure.
public struct VersionComparison: Sendable, Hashable, Codable {
    /// One numeric feature, candidate against incumbent.
    public struct FeatureComparison: Sendable, Hashable, Codable {
        /// The feature.
        public var feature: String
        /// The KS statistic (largest distance between the two empirical distributions).
        public var statistic: Double
        /// Its p-value.
        public var pValue: Double
        /// The p-value after the correction across features.
        public var adjustedPValue: Double
        /// Whether the candidate's distribution differs from the incumbent's (adjusted p ≤ the model's p_value).
        public var differs: Bool
        /// Mean of the incumbent's current window.
        public var incumbentMean: Double
        /// Mean of the candidate's current window.
        public var candidateMean: Double
        /// Non-missing values compared on each side.
        public var incumbentCount: Int
        /// Non-missing values compared on the candidate's side.
        public var candidateCount: Int

        enum CodingKeys: String, CodingKey {
            case feature, statistic, differs
            case pValue = "p_value"
            case adjustedPValue = "adjusted_p_value"
            case incumbentMean = "incumbent_mean"
            case candidateMean = "candidate_mean"
            case incumbentCount = "incumbent_count"
            case candidateCount = "candidate_count"
        }
    }

    /// The error rates of the two current windows and their two-proportion test.
    public struct ErrorRateComparison: Sendable, Hashable, Codable {
        /// The incumbent's error rate.
        public var incumbent: Double
        /// The candidate's error rate.
        public var candidate: Double
        /// The z-test's p-value.
        public var pValue: Double
        /// Whether the candidate's error rate is significantly higher.
        public var worse: Bool

        enum CodingKeys: String, CodingKey {
            case incumbent, candidate, worse
            case pValue = "p_value"
        }
    }

    /// The model name.
    public var model: String
    /// The incumbent version's snapshot (figures against its own reference, alerts).
    public var incumbent: ModelSnapshot
    /// The candidate version's snapshot.
    public var candidate: ModelSnapshot
    /// Numeric features both versions have, candidate against incumbent, in the incumbent's feature order.
    public var features: [FeatureComparison]
    /// Error rates compared, when both windows hold events.
    public var errorRate: ErrorRateComparison?
    /// candidate p99 latency / incumbent p99 latency, when both are known.
    public var latencyP99Ratio: Double?
    /// candidate accuracy − incumbent accuracy (the model's quality metric), when both are known.
    public var accuracyDifference: Double?

    enum CodingKeys: String, CodingKey {
        case model, incumbent, candidate, features
        case errorRate = "error_rate"
        case latencyP99Ratio = "latency_p99_ratio"
        case accuracyDifference = "accuracy_difference"
    }

    /// Compares two monitors of the same model.
    static func compare(_ incumbent: ModelMonitor, _ candidate: ModelMonitor) -> VersionComparison {
        let settings = candidate.configuration.dataDrift
        var tested: [(String, KolmogorovSmirnov.Result, [Double], [Double])] = []
        for stream in incumbent.numeric {
            guard let index = candidate.numericIndex[stream.name] else { continue }
            let a = incumbent.currentValues(of: stream)
            let b = candidate.currentValues(of: candidate.numeric[index])
            guard a.count >= 2, b.count >= 2,
                let result = try? KolmogorovSmirnov.test(reference: a, current: b)
            else { continue }
            tested.append((stream.name, result, a, b))
        }
        let method: MultipleTesting.Method? =
            switch settings.correction {
            case .bh: .benjaminiHochberg
            case .bonferroni: .bonferroni
            case .none: nil
            }
        let pValues = tested.map { min(1, max(0, $0.1.pValue)) }
        let adjusted =
            method.flatMap { try? MultipleTesting.correct(pValues, alpha: settings.pValue, method: $0) }?
            .adjustedPValues ?? pValues
        let features = tested.enumerated().map { index, entry in
            FeatureComparison(
                feature: entry.0,
                statistic: entry.1.statistic,
                pValue: pValues[index],
                adjustedPValue: adjusted[index],
                differs: adjusted[index] <= settings.pValue,
                incumbentMean: entry.2.reduce(0, +) / Double(entry.2.count),
                candidateMean: entry.3.reduce(0, +) / Double(entry.3.count),
                incumbentCount: entry.2.count,
                candidateCount: entry.3.count
            )
        }
        var errorRate: ErrorRateComparison?
        let (incumbentErrors, incumbentEvents) = incumbent.currentErrors()
        let (candidateErrors, candidateEvents) = candidate.currentErrors()
        if let test = try? TwoProportionTest.test(
            referenceSuccesses: incumbentErrors,
            referenceTrials: incumbentEvents,
            currentSuccesses: candidateErrors,
            currentTrials: candidateEvents
        ) {
            let a = Double(incumbentErrors) / Double(incumbentEvents)
            let b = Double(candidateErrors) / Double(candidateEvents)
            errorRate = ErrorRateComparison(
                incumbent: a,
                candidate: b,
                pValue: test.pValue,
                worse: b > a && test.pValue < candidate.configuration.errorRate.pValue
            )
        }
        let incumbentSnapshot = incumbent.snapshot()
        let candidateSnapshot = candidate.snapshot()
        var latencyRatio: Double?
        if let a = incumbentSnapshot.latencyP99, let b = candidateSnapshot.latencyP99, a > 0 { latencyRatio = b / a }
        var accuracyDifference: Double?
        if let a = incumbentSnapshot.accuracy, let b = candidateSnapshot.accuracy { accuracyDifference = b - a }
        return VersionComparison(
            model: incumbent.key.model,
            incumbent: incumbentSnapshot,
            candidate: candidateSnapshot,
            features: features,
            errorRate: errorRate,
            latencyP99Ratio: latencyRatio,
            accuracyDifference: accuracyDifference
        )
    }
}

extension ModelMonitor {
    /// The non-missing values of a numeric stream's current window.
    func currentValues(of stream: NumericStream) -> [Double] {
        let count = min(filled, stream.ring.count)
        var values: [Double] = []
        values.reserveCapacity(count)
        for value in stream.ring.prefix(count) where !value.isNaN { values.append(value) }
        return values
    }

    /// Errors and events in the current window.
    func currentErrors() -> (errors: Int, events: Int) {
        let count = min(filled, errorFlags.count)
        return (errorFlags.prefix(count).reduce(0) { $0 + Int($1) }, count)
    }
}
