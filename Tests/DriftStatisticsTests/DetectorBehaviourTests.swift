import DriftStatistics
import Foundation
import Testing

@Suite("Detector behaviour: textbook charts, checkpoints, memory, configuration")
struct DetectorBehaviourTests {
    @Test("CUSUM with a known target signals after ceil(h / (shift - k)) + 1 shifted events, and again after restart")
    func cusumRunLength() throws {
        var cusum = try CUSUM(configuration: .init(targetMean: 0, standardDeviation: 1))
        var alarms: [Int] = []
        for index in 0..<200 where cusum.update(index < 100 ? 0 : 1) == .drift {
            alarms.append(index)
        }
        // C⁺ grows by 1 − 0.5 per shifted event: 0.5 · 21 = 10.5 > h = 10 at the 21st.
        #expect(alarms == [120, 141, 162, 183])
    }

    @Test("CUSUM learns its target during warm-up and detects downward shifts")
    func cusumWarmupAndDownwardShift() throws {
        var cusum = try CUSUM(configuration: .init(threshold: 4, warmup: 4))
        let values: [Double] = [1, 3, 1, 3] + Array(repeating: 2, count: 10) + Array(repeating: 0, count: 10)
        var alarms: [Int] = []
        for (index, value) in values.enumerated() where cusum.update(value) == .drift {
            alarms.append(index)
        }
        // μ₀ = 2, σ = √(4/3) ≈ 1.1547: each 0 adds 2/1.1547 − 0.5 ≈ 1.232 to C⁻, 4 is passed at the 4th.
        #expect(alarms == [17])
    }

    @Test("EWMA chart with a known target signals at the first t with 1 − 0.9ᵗ > 4·√(0.1/1.9·(1 − 0.81ᵗ))")
    func ewmaRunLength() throws {
        var chart = try EWMAChart(configuration: .init(targetMean: 0, standardDeviation: 1))
        var first: Int?
        for index in 0..<100 where chart.update(1) == .drift {
            first = index
            break
        }
        // t = 23: 0.9114 < 0.9141; t = 24: 0.9202 > 0.9148.
        #expect(first == 23)
    }

    @Test("Charts stay quiet on a constant in-control stream")
    func chartsQuiet() throws {
        var cusum = CUSUM()
        var chart = EWMAChart()
        var generator = DetectorStreamGenerator(seed: 99)
        var alarms = 0
        for _ in 0..<20_000 {
            let x = generator.normal()
            if cusum.update(x) == .drift { alarms += 1 }
            if chart.update(x) == .drift { alarms += 1 }
        }
        #expect(alarms <= 2)
    }

    @Test("KSWIN's exact p-value table equals scipy's ks_2samp for equal samples of 30 and 50", arguments: [30, 50])
    func kswinPValues(_ n: Int) throws {
        let expected = try #require(DetectorFixture.shared.ksEqualSizePValues?[String(n)])
        var detector = try KSWIN(configuration: .init(windowSize: 2 * n, statSize: n), seed: 1)
        // Probe each h through the public p-value: samples whose D is exactly h/n.
        for h in 0...n {
            detector.reset()
            for i in 0..<n { detector.update(Double(i)) }
            for i in 0..<n { detector.update(Double(i) + (h > 0 ? Double(h) - 0.5 : 0)) }
            let got = detector.pValue
            let want = expected[h]
            #expect(abs(got - want) <= 1e-12 * max(want, 1e-300), "h = \(h)")
            #expect(detector.statistic == Double(h) / Double(n))
        }
    }

    @Test("A checkpoint taken mid-stream resumes to the same alarms")
    func checkpointRoundTrip() throws {
        let numeric = DetectorFixture.stream(named: "mean-shift-up-down").generate()
        let binary = DetectorFixture.stream(named: "error-step-up").generate().map { $0 == 1 }
        #expect(try resumes(PageHinkley(), numeric))
        #expect(try resumes(ADWIN(), numeric))
        #expect(try resumes(CUSUM(), numeric))
        #expect(try resumes(EWMAChart(), numeric))
        #expect(try resumes(KSWIN(seed: 7), Array(numeric.prefix(20_000))))
        #expect(try resumes(DDM(), binary))
        #expect(try resumes(EDDM(), binary))
        #expect(try resumes(HDDMA(), binary))
        #expect(try resumes(HDDMW(), binary))
        #expect(try resumes(FHDDM(), binary.map { !$0 }))
    }

    private func resumes<D: NumericChangeDetector & Codable>(_ detector: D, _ values: [Double]) throws -> Bool {
        try resumes(detector, values) { d, v in d.update(v) }
    }

    private func resumes<D: BinaryChangeDetector & Codable>(_ detector: D, _ values: [Bool]) throws -> Bool {
        try resumes(detector, values) { d, v in d.update(v) }
    }

    private func resumes<D: Codable, V>(
        _ detector: D,
        _ values: [V],
        update: (inout D, V) -> ChangeDetectorState
    ) throws -> Bool {
        var original = detector
        let half = values.count / 2
        for value in values[..<half] { _ = update(&original, value) }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        var restored = try decoder.decode(D.self, from: encoder.encode(original))
        var same = true
        var alarms = 0
        for value in values[half...] {
            let a = update(&original, value)
            let b = update(&restored, value)
            same = same && a == b
            if a == .drift { alarms += 1 }
        }
        return same && alarms > 0
    }

    @Test("A checkpoint whose arrays do not fit its configuration is rejected, not trusted")
    func corruptCheckpoint() throws {
        var adwin = ADWIN()
        for i in 0..<1_000 { adwin.update(Double(i % 7)) }
        var json = try #require(String(data: try JSONEncoder().encode(adwin), encoding: .utf8))
        json = json.replacingOccurrences(of: "\"levels\":", with: "\"levels\":9")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ADWIN.self, from: Data(json.utf8)) }

        var kswin = KSWIN(seed: 3)
        for i in 0..<150 { kswin.update(Double(i)) }
        let good = try JSONEncoder().encode(kswin)
        let restored = try JSONDecoder().decode(KSWIN<KSWINSplitMix64Source>.self, from: good)
        #expect(restored.pValue == kswin.pValue)
        let bad = try #require(String(data: good, encoding: .utf8)).replacingOccurrences(
            of: "\"head\":",
            with: "\"head\":1000"
        )
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(KSWIN<KSWINSplitMix64Source>.self, from: Data(bad.utf8))
        }

        let fhddm = FHDDM()
        let text = try #require(String(data: try JSONEncoder().encode(fhddm), encoding: .utf8))
        let broken = text.replacingOccurrences(of: "\"count\":0", with: "\"count\":100")
        #expect(broken != text)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FHDDM.self, from: Data(broken.utf8)) }
    }

    @Test("Memory at defaults is bounded and one numeric stream's detectors fit in 16 KiB")
    func memory() {
        let adwin = ADWIN().memoryFootprint
        let kswin = KSWIN(seed: 0).memoryFootprint
        let fhddm = FHDDM().memoryFootprint
        let scalars = [
            PageHinkley().memoryFootprint, CUSUM().memoryFootprint, EWMAChart().memoryFootprint,
            DDM().memoryFootprint, EDDM().memoryFootprint, HDDMA().memoryFootprint, HDDMW().memoryFootprint,
        ]
        #expect(adwin <= 3_800)
        #expect(kswin <= 2_700)
        #expect(fhddm <= 200)
        #expect(scalars.allSatisfy { $0 <= 256 })
        #expect(adwin + kswin + fhddm + scalars.reduce(0, +) <= 16 * 1_024)
        print(
            "detector bytes: ADWIN \(adwin) KSWIN \(kswin) FHDDM \(fhddm) PageHinkley/CUSUM/EWMA/DDM/EDDM/HDDM_A/HDDM_W "
                + "\(scalars)"
        )
    }

    @Test("ADWIN's memory stays bounded on a long stream when the level cap is reached")
    func adwinCap() throws {
        var adwin = try ADWIN(configuration: .init(clock: 1_000_000, maxLevels: 4))
        let before = adwin.memoryFootprint
        for _ in 0..<10_000 { adwin.update(1) }
        // 4 levels of at most 5 buckets: 5 · (1 + 2 + 4 + 8) = 75 bucketed events at most, plus at most 31 values
        // recorded since the last settlement (values enter the buckets in batches of min(clock, 32)); the
        // statistics follow.
        #expect(adwin.width <= 75 + 31)
        #expect(adwin.width >= 40)
        #expect(adwin.total == adwin.width)
        #expect(adwin.memoryFootprint == before)
    }

    @Test("Invalid configurations throw invalid_parameter")
    func validation() {
        #expect(throws: StatisticsError.self) { try ADWIN(configuration: .init(delta: 0)) }
        #expect(throws: StatisticsError.self) { try ADWIN(configuration: .init(maxLevels: 63)) }
        #expect(throws: StatisticsError.self) { try PageHinkley(configuration: .init(threshold: 0)) }
        #expect(throws: StatisticsError.self) { try KSWIN(configuration: .init(windowSize: 50, statSize: 30)) }
        #expect(throws: StatisticsError.self) { try DDM(configuration: .init(warningThreshold: 3, driftThreshold: 2)) }
        #expect(throws: StatisticsError.self) { try EDDM(configuration: .init(alpha: 0.8, beta: 0.9)) }
        #expect(throws: StatisticsError.self) { try HDDMA(configuration: .init(driftConfidence: 1)) }
        #expect(throws: StatisticsError.self) { try HDDMW(configuration: .init(lambda: 0)) }
        #expect(throws: StatisticsError.self) { try FHDDM(configuration: .init(shortWindowSize: 100)) }
        #expect(throws: StatisticsError.self) { try CUSUM(configuration: .init(standardDeviation: 0)) }
        #expect(throws: StatisticsError.self) { try EWMAChart(configuration: .init(lambda: 1.5)) }
        do {
            _ = try ADWIN(configuration: .init(clock: 0))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidParameter)
        }
    }

    @Test("Two-sided HDDM and a short FHDDM window detect what the one-sided defaults cannot")
    func optionalModes() throws {
        let down = DetectorFixture.stream(named: "error-step-down").generate().map { $0 == 1 }
        func drifts<D: BinaryChangeDetector>(_ detector: D, _ values: [Bool]) -> [Int] {
            var detector = detector
            return values.indices.filter { detector.update(values[$0]) == .drift }
        }
        func nearChange(_ alarms: [Int]) -> Int { alarms.filter { $0 >= 50_000 && $0 < 52_000 }.count }
        // error-step-down: the error rate falls from 0.3 to 0.1 at event 50,000.
        #expect(nearChange(drifts(try HDDMA(configuration: .init(twoSidedTest: true)), down)) >= 1)
        #expect(nearChange(drifts(try HDDMW(configuration: .init(twoSidedTest: true)), down)) >= 1)
        #expect(nearChange(drifts(HDDMA(), down)) == 0)
        #expect(nearChange(drifts(HDDMW(), down)) == 0)
        // FHDDM counts `true` values: feeding correct predictions, the drop of accuracy when the error rate rises
        // (the reversed stream) is found by the stacked short window too.
        let stacked = drifts(try FHDDM(configuration: .init(shortWindowSize: 25)), down.map { !$0 }.reversed())
        #expect(nearChange(stacked) >= 1)
    }
}
