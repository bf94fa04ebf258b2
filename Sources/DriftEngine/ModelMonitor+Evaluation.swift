import DriftProtocol
import DriftStatistics

extension ModelMonitor {
    /// Runs every rule at event time `now` and advances the alert lifecycles.
    mutating func evaluate(at now: Int64, scratch: inout [Double]) -> [AlertNotification] {
        eventsSinceEvaluation = 0
        lastEvaluationTime = now
        status.evaluations += 1
        status.lastEvaluation = now
        labels.expire(now: now, ttl: configuration.accuracy.joinTTLNanoseconds)
        if eventsSeen != eventsAtDriftEvaluation {
            driftConditions = evaluateDrift(scratch: &scratch)
            eventsAtDriftEvaluation = eventsSeen
        }
        var conditions = driftConditions
        if let c = evaluateErrors() { conditions.append(c) }
        if let c = evaluateLatency() { conditions.append(c) }
        if let c = evaluateTraffic(at: now) { conditions.append(c) }
        if let c = evaluateAccuracy() { conditions.append(c) }
        conditions += evaluateCustomMetrics()
        let disabled = Set(configuration.lifecycle.disabledKinds)
        conditions = conditions.filter { !disabled.contains($0.kind.rawValue) }
        for i in conditions.indices {
            if let forced = configuration.lifecycle.severityOverrides[conditions[i].kind.rawValue] {
                conditions[i].severity = forced == .critical ? .critical : .warning
            }
        }
        return runLifecycles(conditions, at: now)
    }

    // MARK: - Current window geometry

    var currentCount: Int { min(configuration.currentWindowEvents, filled) }

    /// Ring position of the `k`-th newest event (k = 0 is the newest).
    @inline(__always)
    func position(newest k: Int) -> Int {
        let p = head - 1 - k
        return p >= 0 ? p : p + capacity
    }

    /// The ring positions of the current window as one or two ascending runs (the window wraps at the ring's end).
    var currentRuns: [Range<Int>] {
        let w = currentCount
        if w <= head { return [(head - w)..<head] }
        return [0..<head, (capacity - (w - head))..<capacity]
    }

    var currentWindow: WindowSummary {
        let w = currentCount
        guard w > 0 else { return WindowSummary(size: 0, range: TimeRange(start: 0, end: 0)) }
        return WindowSummary(
            size: w,
            range: TimeRange(start: timestamps[position(newest: w - 1)], end: timestamps[position(newest: 0)])
        )
    }

    /// The lagged reference's ring offsets (newest-relative) when the ring holds enough events.
    var laggedSlice: Range<Int>? {
        guard case .laggedWindow(let lag, let size) = configuration.reference, filled >= lag + size else { return nil }
        return lag..<(lag + size)
    }

    func laggedRange(_ slice: Range<Int>) -> TimeRange {
        TimeRange(
            start: timestamps[position(newest: slice.upperBound - 1)],
            end: timestamps[position(newest: slice.lowerBound)]
        )
    }

    // MARK: - Drift

    private struct Tested {
        var result: StreamResult
        var pThreshold: Double
        var referenceWindow: WindowSummary
    }

    private mutating func evaluateDrift(scratch: inout [Double]) -> [AlertCondition] {
        var conditions: [AlertCondition] = []
        let current = currentWindow
        // Sort buffers shared by every numeric stream of this evaluation.
        var sortScratch = SortScratch()
        if configuration.dataDrift.enabled || configuration.missingRate.enabled {
            var tested: [Tested] = []
            for i in numeric.indices {
                if let t = testNumeric(numeric[i], configuration.dataDrift, scratch: &scratch, sort: &sortScratch) {
                    tested.append(t)
                }
            }
            for i in categorical.indices {
                if let t = testCategorical(categorical[i], configuration.dataDrift) { tested.append(t) }
            }
            decide(&tested, configuration.dataDrift)
            for t in tested {
                if t.result.kind == .numeric, let i = numericIndex[t.result.name] { numeric[i].result = t.result }
                if t.result.kind == .categorical, let i = categoricalIndex[t.result.name] {
                    categorical[i].result = t.result
                }
            }
            var drifted: [StreamResult] = []
            for t in tested {
                let r = t.result
                if r.drifted && configuration.dataDrift.enabled {
                    drifted.append(r)
                    conditions.append(
                        driftCondition(.dataDrift, feature: r.name, r, t.pThreshold, t.referenceWindow, current)
                    )
                } else if r.missingShift && configuration.missingRate.enabled {
                    conditions.append(missingCondition(r, t.referenceWindow, current))
                }
            }
            let testedCount = tested.count
            driftShare = testedCount == 0 ? nil : Double(drifted.count) / Double(testedCount)
            if configuration.dataDrift.enabled, testedCount >= 2, let share = driftShare,
                share >= configuration.dataDrift.driftShare
            {
                let top = drifted.sorted {
                    $0.effectSize > $1.effectSize || ($0.effectSize == $1.effectSize && $0.name < $1.name)
                }
                conditions.append(
                    AlertCondition(
                        kind: .dataDrift,
                        feature: nil,
                        severity: top.contains(where: \.critical) ? .critical : .warning,
                        summary:
                            "\(drifted.count) of \(testedCount) features of \(key.summaryName) drifted (share \(format(share)) ≥ \(format(configuration.dataDrift.driftShare)))",
                        evidence: AlertEvidence(
                            statistic: "drift_share",
                            value: share,
                            threshold: configuration.dataDrift.driftShare,
                            reference: tested.first?.referenceWindow ?? current,
                            current: current,
                            topFeatures: top.prefix(5).map { FeatureScore(feature: $0.name, value: $0.effectSize) }
                        )
                    )
                )
            }
        }
        if configuration.predictionDrift.enabled {
            var tested: [Tested] = []
            if let stream = predictionNumeric,
                let t = testNumeric(stream, configuration.predictionDrift, scratch: &scratch, sort: &sortScratch)
            {
                tested.append(t)
            }
            if let stream = predictionCategorical, let t = testCategorical(stream, configuration.predictionDrift) {
                tested.append(t)
            }
            var settings = configuration.predictionDrift
            settings.correction = .none
            decide(&tested, settings)
            for t in tested {
                if t.result.kind == .numeric { predictionNumeric?.result = t.result }
                if t.result.kind == .categorical { predictionCategorical?.result = t.result }
                if t.result.drifted {
                    conditions.append(
                        driftCondition(
                            .predictionDrift,
                            feature: nil,
                            t.result,
                            t.pThreshold,
                            t.referenceWindow,
                            current
                        )
                    )
                }
            }
        }
        return conditions
    }

    /// Buffers a window sort reuses across the streams of one evaluation.
    private struct SortScratch {
        var values: [Double] = []
        var counts: [Int32] = []
    }

    private func testNumeric(
        _ stream: NumericStream,
        _ settings: DriftSettings,
        scratch: inout [Double],
        sort: inout SortScratch
    ) -> Tested? {
        let override = configuration.featureOverride(for: stream.name)
        let w = currentCount
        guard w > 0 else { return nil }
        var reference = stream.reference
        var referenceWindow: WindowSummary
        if let slice = laggedSlice {
            var temp: [Double] = []
            temp.reserveCapacity(slice.count)
            let values = slice.map { stream.ring[position(newest: $0)] }
            reference = NumericReference(
                values: values,
                sampleSize: configuration.referenceSampleSize,
                bins: configuration.bins,
                range: laggedRange(slice),
                scratch: &temp
            )
        }
        guard let reference else { return nil }
        referenceWindow = WindowSummary(size: reference.count, range: reference.range)
        scratch.removeAll(keepingCapacity: true)
        scratch.reserveCapacity(w)
        var missing = 0
        // The window is a set of ring positions (one or two runs); its order does not matter, it is sorted next.
        for run in currentRuns {
            stream.ring.withUnsafeBufferPointer { ring in
                for p in run {
                    let v = ring[p]
                    if v.isNaN { missing += 1 } else { scratch.append(v) }
                }
            }
        }
        let minSamples = override?.minSamples ?? settings.minSamples
        var test = settings.numericTest
        if let t = override?.test, t.appliesToNumeric { test = t }
        let effectWarning = override?.effectSizeWarning ?? settings.effectSizeWarning.threshold(gating: test)
        var result = StreamResult(
            name: stream.name,
            kind: .numeric,
            test: test,
            statistic: 0,
            pValue: nil,
            adjustedPValue: nil,
            effectSize: 0,
            effectThreshold: effectWarning,
            drifted: false,
            critical: false,
            missingRate: Double(missing) / Double(w),
            referenceMissingRate: reference.missingRate,
            missingShift: false,
            missingPValue: nil,
            currentCount: scratch.count,
            referenceCount: reference.count
        )
        missingTest(
            &result,
            referenceMissing: reference.missing,
            referenceTotal: reference.count + reference.missing,
            missing: missing,
            total: w
        )
        guard scratch.count >= minSamples else {
            return Tested(
                result: result,
                pThreshold: override?.pValue ?? settings.pValue,
                referenceWindow: referenceWindow
            )
        }
        // Sorting the window is the largest single cost of an evaluation: a bucket sort does it in two passes.
        BucketSort.sort(&scratch, scratch: &sort.values, counts: &sort.counts)
        let current = scratch[0..<scratch.count]
        let sample = reference.sortedSample
        switch test {
        case .ks, .chiSquare:
            // One merge walk gives D and W₁ when both samples are finite (the usual case); else the two walks.
            let fused = sample.withUnsafeBufferPointer { reference in
                current.withUnsafeBufferPointer { window in
                    try? KolmogorovSmirnov.testWithWasserstein(sortedReference: reference, sortedCurrent: window)
                }
            }
            if let fused {
                result.statistic = fused.test.statistic
                result.pValue = fused.test.pValue
                result.effectSize = fused.wasserstein / max(reference.standardDeviation, 0.001)
            } else {
                if let ks = try? KolmogorovSmirnov.test(sortedReference: sample, sortedCurrent: current) {
                    result.statistic = ks.statistic
                    result.pValue = ks.pValue
                }
                result.effectSize =
                    (try? Wasserstein.normalizedDistance(
                        sortedReference: sample,
                        sortedCurrent: current,
                        referenceStandardDeviation: reference.standardDeviation
                    )) ?? 0
            }
        case .wasserstein:
            result.statistic =
                (try? Wasserstein.normalizedDistance(
                    sortedReference: sample,
                    sortedCurrent: current,
                    referenceStandardDeviation: reference.standardDeviation
                )) ?? 0
            result.effectSize = result.statistic
        case .psi, .jensenShannon:
            var histogram = reference.histogram
            histogram.reset()
            for v in current { histogram.observe(v) }
            let r = histogram.referenceCounts.map(Double.init)
            let c = histogram.counts.map(Double.init)
            let value =
                test == .psi
                ? (try? PopulationStabilityIndex.index(referenceCounts: r, currentCounts: c)) ?? 0
                : (try? DistributionDistance.jensenShannon(r, c)) ?? 0
            result.statistic = value
            result.effectSize = value
        }
        return Tested(result: result, pThreshold: override?.pValue ?? settings.pValue, referenceWindow: referenceWindow)
    }

    private func testCategorical(_ stream: CategoricalStream, _ settings: DriftSettings) -> Tested? {
        let override = configuration.featureOverride(for: stream.name)
        let w = currentCount
        guard w > 0 else { return nil }
        var reference = stream.reference
        if let slice = laggedSlice {
            var counts = [Double](repeating: 0, count: stream.maxCategories + 1)
            let missing = stream.tally(slice.map { stream.ring[position(newest: $0)] }, into: &counts)
            reference = CategoricalReference(counts: counts, missing: missing, range: laggedRange(slice))
        }
        guard let reference else { return nil }
        let referenceWindow = WindowSummary(size: reference.count, range: reference.range)
        var counts = [Double](repeating: 0, count: stream.maxCategories + 1)
        var missing = 0
        for run in currentRuns { missing += stream.tally(stream.ring[run], into: &counts) }
        var test = settings.categoricalTest
        if let t = override?.test, t.appliesToCategorical { test = t }
        let effectWarning = override?.effectSizeWarning ?? settings.effectSizeWarning.threshold(gating: test)
        let present = w - missing
        var result = StreamResult(
            name: stream.name,
            kind: .categorical,
            test: test,
            statistic: 0,
            pValue: nil,
            adjustedPValue: nil,
            effectSize: 0,
            effectThreshold: effectWarning,
            drifted: false,
            critical: false,
            missingRate: Double(missing) / Double(w),
            referenceMissingRate: reference.missingRate,
            missingShift: false,
            missingPValue: nil,
            currentCount: present,
            referenceCount: reference.count
        )
        missingTest(
            &result,
            referenceMissing: reference.missing,
            referenceTotal: reference.count + reference.missing,
            missing: missing,
            total: w
        )
        let minSamples = override?.minSamples ?? settings.minSamples
        guard present >= minSamples, reference.count > 0 else {
            return Tested(
                result: result,
                pThreshold: override?.pValue ?? settings.pValue,
                referenceWindow: referenceWindow
            )
        }
        let psi = (try? PopulationStabilityIndex.index(referenceCounts: reference.counts, currentCounts: counts)) ?? 0
        switch test {
        case .chiSquare, .ks, .wasserstein:
            if let chi = try? ChiSquareHomogeneity.test(referenceCounts: reference.counts, currentCounts: counts) {
                result.statistic = chi.statistic
                result.pValue = chi.pValue
            }
            result.effectSize = psi
        case .psi:
            result.statistic = psi
            result.effectSize = psi
        case .jensenShannon:
            let js = (try? DistributionDistance.jensenShannon(reference.counts, counts)) ?? 0
            result.statistic = js
            result.effectSize = js
        }
        return Tested(result: result, pThreshold: override?.pValue ?? settings.pValue, referenceWindow: referenceWindow)
    }

    private func missingTest(
        _ result: inout StreamResult,
        referenceMissing: Int,
        referenceTotal: Int,
        missing: Int,
        total: Int
    ) {
        let s = configuration.missingRate
        guard s.enabled, total >= s.minSamples, referenceTotal > 0 else { return }
        guard
            let test = try? TwoProportionTest.test(
                referenceSuccesses: referenceMissing,
                referenceTrials: referenceTotal,
                currentSuccesses: missing,
                currentTrials: total
            )
        else { return }
        result.missingPValue = test.pValue
        result.missingShift = test.pValue < s.pValue && test.currentRate - test.referenceRate >= s.minIncrease
    }

    /// Applies the correction and the effect-size gate to the tested streams.
    private func decide(_ tested: inout [Tested], _ settings: DriftSettings) {
        let withP = tested.indices.filter {
            tested[$0].result.test.hasPValue && tested[$0].result.pValue != nil
        }
        let raw = withP.compactMap { tested[$0].result.pValue }
        var adjusted = raw
        switch settings.correction {
        case .none: break
        case .bh:
            adjusted =
                (try? MultipleTesting.correct(raw, alpha: settings.pValue, method: .benjaminiHochberg))?
                .adjustedPValues ?? raw
        case .bonferroni:
            adjusted =
                (try? MultipleTesting.correct(raw, alpha: settings.pValue, method: .bonferroni))?.adjustedPValues ?? raw
        }
        for (k, index) in withP.enumerated() { tested[index].result.adjustedPValue = adjusted[k] }
        for i in tested.indices {
            var r = tested[i].result
            let override = configuration.featureOverride(for: r.name)
            let minSamples = override?.minSamples ?? settings.minSamples
            guard r.currentCount >= minSamples else { continue }
            let critical = override?.effectSizeCritical ?? settings.effectSizeCritical.threshold(gating: r.test)
            let effectReached = r.effectSize >= r.effectThreshold
            if r.test.hasPValue {
                guard let p = r.adjustedPValue else { continue }
                let significant = p <= tested[i].pThreshold
                r.drifted = significant && (r.currentCount < settings.largeWindowEvents || effectReached)
            } else {
                r.drifted = effectReached
            }
            r.critical = r.drifted && r.effectSize >= critical
            tested[i].result = r
        }
    }

    private func driftCondition(
        _ kind: AlertKind,
        feature: String?,
        _ r: StreamResult,
        _ pThreshold: Double,
        _ reference: WindowSummary,
        _ current: WindowSummary
    ) -> AlertCondition {
        let subject = kind == .predictionDrift ? "prediction" : "feature \(r.name)"
        let detail =
            r.test.hasPValue
            ? "p=\(format(r.adjustedPValue ?? r.pValue ?? 1)) ≤ \(format(pThreshold)), effect \(format(r.effectSize))"
            : "\(r.test.rawValue)=\(format(r.statistic)) ≥ \(format(r.effectThreshold))"
        return AlertCondition(
            kind: kind,
            feature: feature,
            severity: r.critical ? .critical : .warning,
            summary: "\(subject) of \(key.summaryName) drifted (\(r.test.rawValue): \(detail))",
            evidence: AlertEvidence(
                statistic: r.test.rawValue,
                value: r.statistic,
                pValue: r.test.hasPValue ? (r.adjustedPValue ?? r.pValue) : nil,
                threshold: r.test.hasPValue ? pThreshold : r.effectThreshold,
                reference: reference,
                current: current,
                topFeatures: [FeatureScore(feature: r.name, value: r.effectSize)]
            )
        )
    }

    private func missingCondition(
        _ r: StreamResult,
        _ reference: WindowSummary,
        _ current: WindowSummary
    ) -> AlertCondition {
        let s = configuration.missingRate
        let rise = r.missingRate - r.referenceMissingRate
        return AlertCondition(
            kind: .dataDrift,
            feature: r.name,
            severity: rise >= s.criticalIncrease ? .critical : .warning,
            summary:
                "missing share of feature \(r.name) of \(key.summaryName) rose from \(format(r.referenceMissingRate)) to \(format(r.missingRate))",
            evidence: AlertEvidence(
                statistic: "missing_rate",
                value: r.missingRate,
                pValue: r.missingPValue,
                threshold: r.referenceMissingRate + s.minIncrease,
                reference: reference,
                current: current,
                topFeatures: [FeatureScore(feature: r.name, value: rise)]
            )
        )
    }

    // MARK: - Errors, latency, traffic, accuracy, custom metrics

    private var referenceWindowSummary: WindowSummary {
        if let baseline {
            return WindowSummary(size: baseline.eventCount, range: baselineRange ?? TimeRange(start: 0, end: 0))
        }
        return WindowSummary(
            size: referenceEvents,
            range: referenceRange.start <= referenceRange.end ? referenceRange : TimeRange(start: 0, end: 0)
        )
    }

    private mutating func evaluateErrors() -> AlertCondition? {
        let s = configuration.errorRate
        let w = currentCount
        defer { errorDrift = false }
        guard s.enabled, w > 0 else { return nil }
        var errors = 0
        for k in 0..<w { errors += Int(errorFlags[position(newest: k)]) }
        let rate = Double(errors) / Double(w)
        status.errorRate = rate
        guard w >= s.minSamples else { return nil }
        let current = currentWindow
        let reference = referenceWindowSummary
        var severity: AlertSeverity?
        var statistic = "error_rate"
        var threshold = s.warningRate
        var pValue: Double?
        if rate >= s.criticalRate {
            severity = .critical
            threshold = s.criticalRate
        } else if rate >= s.warningRate {
            severity = .warning
        } else if let referenceRate = referenceErrorRate, reference.size > 0 {
            let referenceErrors = Int((referenceRate * Double(reference.size)).rounded())
            if let test = try? TwoProportionTest.test(
                referenceSuccesses: referenceErrors,
                referenceTrials: reference.size,
                currentSuccesses: errors,
                currentTrials: w
            ), test.pValue < s.pValue, rate - referenceRate >= s.minIncrease {
                severity = .warning
                statistic = "two_proportion_z"
                threshold = s.pValue
                pValue = test.pValue
            } else if errorDrift && rate - referenceRate >= s.minIncrease {
                severity = .warning
                statistic = s.detector.rawValue
                threshold = referenceRate + s.minIncrease
            }
        }
        guard let severity else { return nil }
        return AlertCondition(
            kind: .errorRate,
            feature: nil,
            severity: severity,
            summary:
                "error rate of \(key.summaryName) is \(format(rate)) (reference \(format(referenceErrorRate ?? 0)))",
            evidence: AlertEvidence(
                statistic: statistic,
                value: statistic == "two_proportion_z" ? rate : rate,
                pValue: pValue,
                threshold: threshold,
                reference: reference,
                current: current
            )
        )
    }

    private mutating func evaluateLatency() -> AlertCondition? {
        let s = configuration.latency
        guard s.enabled, let sketch = latencySketch else { return nil }
        guard Int(sketch.count) >= s.minSamples, let reference = referenceLatency,
            let p50 = sketch.quantile(0.5), let p95 = sketch.quantile(0.95), let p99 = sketch.quantile(0.99)
        else { return lastLatencyCondition }
        status.latencyP50 = p50
        status.latencyP95 = p95
        status.latencyP99 = p99
        let ratios = [
            ("p50_ratio", reference.p50 > 0 ? p50 / reference.p50 : 1),
            ("p95_ratio", reference.p95 > 0 ? p95 / reference.p95 : 1),
            ("p99_ratio", reference.p99 > 0 ? p99 / reference.p99 : 1),
        ]
        var worst = ratios[0]
        for r in ratios where r.1 > worst.1 { worst = r }
        status.latencyRatio = worst.1
        let current = WindowSummary(
            size: Int(sketch.count),
            range: TimeRange(start: lastEvaluationTime ?? 0, end: lastEventTime)
        )
        let referenceWindow = WindowSummary(size: reference.count, range: referenceWindowSummary.range)
        latencySketch = try? DDSketch(relativeAccuracy: s.relativeAccuracy)
        if latencyChange { latencyShifted = true }
        latencyChange = false
        // A change latched while the ratio rule already covers the shift belongs to that episode: dropping it here
        // keeps a spike's change alarm from outliving the spike as a second, "rose" alert while latency falls back.
        if worst.1 < 1 + 2 * s.changeDelta || worst.1 >= s.ratioWarning { latencyShifted = false }
        var condition: AlertCondition?
        if worst.1 >= s.ratioWarning || latencyShifted {
            let critical = worst.1 >= s.ratioCritical
            let byRatio = worst.1 >= s.ratioWarning
            condition = AlertCondition(
                kind: .latency,
                feature: nil,
                severity: critical ? .critical : .warning,
                summary:
                    "latency of \(key.summaryName) rose: p50 \(format(p50)) µs, p95 \(format(p95)) µs, p99 \(format(p99)) µs (\(worst.0) \(format(worst.1)))",
                evidence: AlertEvidence(
                    statistic: byRatio ? worst.0 : s.changeDetector.rawValue,
                    value: worst.1,
                    threshold: byRatio ? (critical ? s.ratioCritical : s.ratioWarning) : 1 + 2 * s.changeDelta,
                    reference: referenceWindow,
                    current: current
                )
            )
        }
        lastLatencyCondition = condition
        return condition
    }

    private mutating func evaluateTraffic(at now: Int64) -> AlertCondition? {
        let s = configuration.traffic
        guard s.enabled, let first = firstEventTime else { return nil }
        let rate = traffic.rate(at: now)
        status.requestRate = rate
        guard let referenceRate, referenceRate >= s.minReferenceRate,
            now - first >= s.windowNanoseconds + traffic.width
        else { return nil }
        let current = WindowSummary(
            size: Int((rate * Double(s.windowNanoseconds) / 1e9).rounded()),
            range: TimeRange(start: now - s.windowNanoseconds, end: now)
        )
        let idle = now - lastEventTime
        if s.stallNanoseconds > 0 && idle >= s.stallNanoseconds {
            return AlertCondition(
                kind: .traffic,
                feature: nil,
                severity: .critical,
                summary: "no events from \(key.summaryName) for \(format(Double(idle) / 1e9)) s",
                evidence: AlertEvidence(
                    statistic: "seconds_since_last_event",
                    value: Double(idle) / 1e9,
                    threshold: Double(s.stallNanoseconds) / 1e9,
                    reference: referenceWindowSummary,
                    current: current
                )
            )
        }
        let ratio = rate / referenceRate
        guard ratio <= s.dropWarningRatio else { return nil }
        return AlertCondition(
            kind: .traffic,
            feature: nil,
            severity: ratio <= s.dropCriticalRatio ? .critical : .warning,
            summary:
                "request rate of \(key.summaryName) dropped to \(format(rate))/s (reference \(format(referenceRate))/s)",
            evidence: AlertEvidence(
                statistic: "rate_ratio",
                value: ratio,
                threshold: ratio <= s.dropCriticalRatio ? s.dropCriticalRatio : s.dropWarningRatio,
                reference: referenceWindowSummary,
                current: current
            )
        )
    }

    private mutating func evaluateAccuracy() -> AlertCondition? {
        let s = configuration.accuracy
        guard s.enabled else { return nil }
        guard labels.labelsSinceEvaluation > 0 else { return lastAccuracyCondition }
        labels.labelsSinceEvaluation = 0
        guard labels.outcomeCount >= s.minLabels, let value = labels.metric(s.metric) else {
            return lastAccuracyCondition
        }
        status.accuracy = value
        var condition: AlertCondition?
        if let reference = labels.referenceMetric {
            let drop = s.metric.higherIsBetter ? reference - value : (value - reference) / max(reference, 1e-12)
            if drop >= s.dropWarning {
                condition = AlertCondition(
                    kind: .accuracyDrop,
                    feature: nil,
                    severity: drop >= s.dropCritical ? .critical : .warning,
                    summary:
                        "\(s.metric.rawValue) of \(key.summaryName) is \(format(value)) (reference \(format(reference)))",
                    evidence: AlertEvidence(
                        statistic: s.metric.rawValue,
                        value: value,
                        threshold: drop >= s.dropCritical ? s.dropCritical : s.dropWarning,
                        reference: WindowSummary(size: s.windowLabels, range: referenceWindowSummary.range),
                        current: WindowSummary(size: labels.outcomeCount, range: currentWindow.range)
                    )
                )
            }
        }
        lastAccuracyCondition = condition
        return condition
    }

    private mutating func evaluateCustomMetrics() -> [AlertCondition] {
        guard configuration.customMetrics.enabled else { return [] }
        var conditions: [AlertCondition] = []
        for (i, name) in customMetricNames.enumerated() {
            guard let verdict = customAlarms[i] else { continue }
            customAlarms[i] = nil
            conditions.append(
                AlertCondition(
                    kind: .customMetric,
                    feature: name,
                    severity: .warning,
                    summary:
                        "custom metric \(name) of \(key.summaryName) is anomalous (robust z \(format(verdict.score)))",
                    evidence: AlertEvidence(
                        statistic: "robust_z",
                        value: verdict.score,
                        threshold: configuration.customMetrics.threshold,
                        reference: WindowSummary(
                            size: configuration.customMetrics.windowSize,
                            range: referenceWindowSummary.range
                        ),
                        current: WindowSummary(
                            size: 1,
                            range: TimeRange(start: verdict.timestampNanoseconds, end: verdict.timestampNanoseconds)
                        )
                    )
                )
            )
        }
        return conditions
    }

    // MARK: - Lifecycles

    mutating func runLifecycles(_ conditions: [AlertCondition], at now: Int64) -> [AlertNotification] {
        var pending: [String: AlertCondition] = [:]
        var order: [String] = []
        for c in conditions {
            let id = alertFingerprint(model: key.model, version: key.version, kind: c.kind.rawValue, feature: c.feature)
            if pending[id] == nil { order.append(id) }
            pending[id] = c
        }
        var out: [AlertNotification] = []
        let settings = configuration.lifecycle
        for i in alerts.indices {
            let c = pending.removeValue(forKey: alerts[i].id)
            if let n = alerts[i].step(c, at: now, settings: settings) { out.append(n) }
        }
        for id in order {
            guard let c = pending[id] else { continue }
            var lifecycle = AlertLifecycle(
                id: id,
                model: key.model,
                version: key.version,
                kind: c.kind,
                feature: c.feature
            )
            if let n = lifecycle.step(c, at: now, settings: settings) { out.append(n) }
            alerts.append(lifecycle)
        }
        // Forget cancelled lifecycles, and keep at most 64 resolved ones (oldest first out).
        alerts.removeAll { $0.state == .inactive }
        let idle = alerts.filter(\.isIdle).count
        if idle > 64 {
            var drop = idle - 64
            alerts.removeAll { lifecycle in
                guard drop > 0, lifecycle.isIdle else { return false }
                drop -= 1
                return true
            }
        }
        return out
    }
}

/// A short decimal form for summaries (4 significant digits, no Foundation): `0.1235`, `8.847`, `1.183e-97`.
func format(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    let magnitude = abs(value)
    if magnitude == 0 { return "0" }
    if magnitude >= 1e6 || magnitude < 1e-4 { return scientific(value) }
    var digits = 0
    var scaled = magnitude
    while scaled < 1000 && digits < 8 {
        scaled *= 10
        digits += 1
    }
    let factor = Double(Int64(1) << 0) * pow10(digits)
    let rounded = (value * factor).rounded() / factor
    var text = String(rounded)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}

/// `d.ddde±x` with trailing zeros of the mantissa dropped; the evidence keeps the exact value.
private func scientific(_ value: Double) -> String {
    var mantissa = abs(value)
    var exponent = 0
    // Stepping by ten (at most ~330 steps for the smallest p-values) avoids a logarithm's off-by-one at exact
    // powers of ten; the rounding error it accumulates is far below the four digits shown.
    while mantissa >= 10 {
        mantissa /= 10
        exponent += 1
    }
    while mantissa < 1 {
        mantissa *= 10
        exponent -= 1
    }
    mantissa = (mantissa * 1000).rounded() / 1000
    if mantissa >= 10 {
        mantissa /= 10
        exponent += 1
    }
    var digits = String(mantissa)
    if digits.hasSuffix(".0") { digits.removeLast(2) }
    return "\(value < 0 ? "-" : "")\(digits)e\(exponent)"
}

private func pow10(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= 10 }
    return r
}
