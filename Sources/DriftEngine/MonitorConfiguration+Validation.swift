import DriftProtocol

extension MonitorConfiguration {
    /// Every problem with this configuration, naming the key path and what was expected
    /// (e.g. `data_drift.p_value must be in (0, 1)`).
    /// - Returns: the problems in key order of the YAML reference; empty when valid.
    public func validate() -> [ConfigurationProblem] {
        var v = ProblemList()
        v.atLeast("evaluate_every_events", evaluateEveryEvents, 0)
        if evaluateEveryEvents == 0 && evaluateEveryNanoseconds == 0 {
            v.add("evaluate_every", "and evaluate_every_events must not both be 0")
        }
        switch reference {
        case .firstEvents(let count):
            v.atLeast("reference.events", count, 10)
        case .baseline(let baseline):
            if baseline.eventCount < 1 { v.add("reference.baseline", "must hold at least one event") }
        case .baselineFile(let path):
            if path.isEmpty { v.add("reference.path", "must not be empty") }
        case .laggedWindow(let lag, let size):
            v.atLeast("reference.size_events", size, 10)
            if lag < currentWindowEvents {
                v.add("reference.lag_events", "must be at least current_window_events (\(currentWindowEvents))")
            }
        }
        v.atLeast("current_window_events", currentWindowEvents, 10)
        v.atLeast("reference_sample_size", referenceSampleSize, 10)
        v.range("bins", bins, 2...100)
        v.drift("data_drift", dataDrift)
        v.unit("missing_rate.p_value", missingRate.pValue)
        v.rate("missing_rate.min_increase", missingRate.minIncrease)
        v.rate("missing_rate.critical_increase", missingRate.criticalIncrease)
        v.atLeast("missing_rate.min_samples", missingRate.minSamples, 1)
        v.drift("prediction_drift", predictionDrift)
        v.rate("error_rate.warning_rate", errorRate.warningRate)
        v.rate("error_rate.critical_rate", errorRate.criticalRate)
        if errorRate.criticalRate < errorRate.warningRate {
            v.add("error_rate.critical_rate", "must be at least error_rate.warning_rate")
        }
        v.unit("error_rate.p_value", errorRate.pValue)
        v.rate("error_rate.min_increase", errorRate.minIncrease)
        v.atLeast("error_rate.min_samples", errorRate.minSamples, 1)
        v.greater("latency.ratio_warning", latency.ratioWarning, 1)
        if latency.ratioCritical < latency.ratioWarning {
            v.add("latency.ratio_critical", "must be at least latency.ratio_warning")
        }
        v.atLeast("latency.min_samples", latency.minSamples, 1)
        v.unit("latency.relative_accuracy", latency.relativeAccuracy)
        v.nonNegative("latency.change_delta", latency.changeDelta)
        v.greater("latency.change_threshold", latency.changeThreshold, 0)
        if traffic.windowNanoseconds < 1_000_000 { v.add("traffic.window", "must be at least 1ms") }
        v.unit("traffic.drop_warning_ratio", traffic.dropWarningRatio)
        if !(traffic.dropCriticalRatio >= 0 && traffic.dropCriticalRatio <= traffic.dropWarningRatio) {
            v.add("traffic.drop_critical_ratio", "must be in [0, traffic.drop_warning_ratio]")
        }
        v.nonNegative("traffic.min_reference_rate", traffic.minReferenceRate)
        v.atLeast("accuracy.window_labels", accuracy.windowLabels, 10)
        v.range("accuracy.min_labels", accuracy.minLabels, 1...max(1, accuracy.windowLabels))
        v.greater("accuracy.drop_warning", accuracy.dropWarning, 0)
        if accuracy.dropCritical < accuracy.dropWarning {
            v.add("accuracy.drop_critical", "must be at least accuracy.drop_warning")
        }
        if accuracy.joinTTLNanoseconds < 1 { v.add("accuracy.join_ttl", "must be positive") }
        v.atLeast("accuracy.max_pending", accuracy.maxPending, 1)
        v.unit("privacy.sketch_relative_accuracy", privacy.sketchRelativeAccuracy)
        if [.f1, .precision, .recall].contains(accuracy.metric) && accuracy.positiveClass == nil {
            v.add("accuracy.positive_class", "must be set for metric \(accuracy.metric.rawValue)")
        }
        v.atLeast("custom_metrics.window_size", customMetrics.windowSize, 8)
        v.greater("custom_metrics.threshold", customMetrics.threshold, 0)
        v.atLeast("custom_metrics.refractory_period", customMetrics.refractoryPeriod, 0)
        v.atLeast("custom_metrics.warm_up", customMetrics.warmUp, 0)
        v.atLeast("custom_metrics.max_metrics", customMetrics.maxMetrics, 0)
        let kinds = Set(AlertKind.allCases.map(\.rawValue))
        for kind in lifecycle.severityOverrides.keys.sorted() where !kinds.contains(kind) {
            v.add(
                "alerts.severity.\(kind)",
                "is not an alert kind (expected one of \(kinds.sorted().joined(separator: ", ")))"
            )
        }
        for kind in lifecycle.disabledKinds where !kinds.contains(kind) {
            v.add("alerts.disabled_kinds", "contains '\(kind)', not an alert kind")
        }
        v.problems += retrain.validate().map { $0.prefixed("retrain") }
        for name in features.keys.sorted() {
            guard let o = features[name] else { continue }
            if let p = o.pValue { v.unit("features.\(name).p_value", p) }
            if let w = o.effectSizeWarning { v.greater("features.\(name).effect_size_warning", w, 0) }
            if let c = o.effectSizeCritical, c < (o.effectSizeWarning ?? 0) {
                v.add("features.\(name).effect_size_critical", "must be at least effect_size_warning")
            }
            if let m = o.minSamples { v.atLeast("features.\(name).min_samples", m, 1) }
        }
        return v.problems
    }
}

/// Collects problems with uniform messages.
private struct ProblemList {
    var problems: [ConfigurationProblem] = []

    mutating func add(_ key: String, _ message: String) {
        problems.append(ConfigurationProblem(keyPath: key, message: message))
    }

    mutating func unit(_ key: String, _ value: Double) {
        if !(value > 0 && value < 1) { add(key, "must be in (0, 1)") }
    }

    mutating func rate(_ key: String, _ value: Double) {
        if !(value >= 0 && value <= 1) { add(key, "must be in [0, 1]") }
    }

    mutating func greater(_ key: String, _ value: Double, _ bound: Double) {
        if !(value > bound && value.isFinite) { add(key, "must be a finite number greater than \(format(bound))") }
    }

    mutating func nonNegative(_ key: String, _ value: Double) {
        if !(value >= 0 && value.isFinite) { add(key, "must be a finite number ≥ 0") }
    }

    mutating func atLeast(_ key: String, _ value: Int, _ bound: Int) {
        if value < bound { add(key, "must be at least \(bound)") }
    }

    mutating func range(_ key: String, _ value: Int, _ bounds: ClosedRange<Int>) {
        if !bounds.contains(value) { add(key, "must be in [\(bounds.lowerBound), \(bounds.upperBound)]") }
    }

    mutating func drift(_ section: String, _ s: DriftSettings) {
        if !s.numericTest.appliesToNumeric {
            add("\(section).numeric_test", "must be one of ks, psi, wasserstein, jensen_shannon")
        }
        if !s.categoricalTest.appliesToCategorical {
            add("\(section).categorical_test", "must be one of chi_square, psi, jensen_shannon")
        }
        unit("\(section).p_value", s.pValue)
        greater("\(section).effect_size_warning.psi", s.effectSizeWarning.psi, 0)
        greater("\(section).effect_size_warning.wasserstein", s.effectSizeWarning.wasserstein, 0)
        greater("\(section).effect_size_warning.jensen_shannon", s.effectSizeWarning.jensenShannon, 0)
        if s.effectSizeCritical.psi < s.effectSizeWarning.psi {
            add("\(section).effect_size_critical.psi", "must be at least effect_size_warning.psi")
        }
        if s.effectSizeCritical.wasserstein < s.effectSizeWarning.wasserstein {
            add("\(section).effect_size_critical.wasserstein", "must be at least effect_size_warning.wasserstein")
        }
        if s.effectSizeCritical.jensenShannon < s.effectSizeWarning.jensenShannon {
            add(
                "\(section).effect_size_critical.jensen_shannon",
                "must be at least effect_size_warning.jensen_shannon"
            )
        }
        atLeast("\(section).large_window_events", s.largeWindowEvents, 1)
        if !(s.driftShare > 0 && s.driftShare <= 1) { add("\(section).drift_share", "must be in (0, 1]") }
        atLeast("\(section).min_samples", s.minSamples, 2)
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
