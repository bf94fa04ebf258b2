import Testing

@testable import DriftStatistics

@Suite("TwoSample golden values against scipy and statsmodels")
struct TwoSampleGoldenTests {
    static let fixtures = TwoSampleFixtures.shared

    @Test("KS statistic and p-value match scipy.stats.ks_2samp(method='auto')", arguments: fixtures.ks.map(\.name))
    func kolmogorovSmirnov(name: String) throws {
        let case_ = try #require(Self.fixtures.ks.first { $0.name == name })
        let result = try KolmogorovSmirnov.test(
            sortedReference: case_.reference.expanded,
            sortedCurrent: case_.current.expanded
        )
        #expect(result.isExact == case_.exact)
        #expect(relativelyClose(result.statistic, case_.statistic), "D \(result.statistic) vs \(case_.statistic)")
        #expect(relativelyClose(result.pValue, case_.pvalue), "p \(result.pValue) vs \(case_.pvalue)")
    }

    @Test("KS on unsorted input equals KS on sorted input")
    func kolmogorovSmirnovUnsorted() throws {
        let case_ = try #require(Self.fixtures.ks.first { $0.name == "unequal-30-47" })
        var reference = case_.reference.expanded
        reference.reverse()
        let result = try KolmogorovSmirnov.test(reference: reference, current: case_.current.expanded.reversed())
        #expect(relativelyClose(result.pValue, case_.pvalue))
    }

    @Test("One-walk KS and Wasserstein equal the two separate walks bit for bit and match scipy")
    func kolmogorovSmirnovWithWasserstein() throws {
        var pairs: [(reference: [Double], current: [Double])] = []
        for case_ in Self.fixtures.ks {
            let result = try case_.reference.expanded.withUnsafeBufferPointer { u in
                try case_.current.expanded.withUnsafeBufferPointer { v in
                    try KolmogorovSmirnov.testWithWasserstein(sortedReference: u, sortedCurrent: v)
                }
            }
            #expect(relativelyClose(result.test.statistic, case_.statistic), "\(case_.name)")
            #expect(relativelyClose(result.test.pValue, case_.pvalue), "\(case_.name)")
            pairs.append((case_.reference.expanded, case_.current.expanded))
        }
        for case_ in Self.fixtures.wasserstein {
            let result = try case_.reference.sorted().withUnsafeBufferPointer { u in
                try case_.current.sorted().withUnsafeBufferPointer { v in
                    try KolmogorovSmirnov.testWithWasserstein(sortedReference: u, sortedCurrent: v)
                }
            }
            #expect(relativelyClose(result.wasserstein, case_.distance), "\(case_.name)")
            pairs.append((case_.reference.sorted(), case_.current.sorted()))
        }
        // Seeded samples with many ties, equal and unequal sizes, and one sample entirely below the other.
        var state: UInt64 = 7
        func draw() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double((state >> 33) % 40) / 4
        }
        for (n1, n2) in [(1, 1), (1, 9), (50, 50), (200, 137), (1000, 1000)] {
            pairs.append(((0..<n1).map { _ in draw() }.sorted(), (0..<n2).map { _ in draw() }.sorted()))
            pairs.append(((0..<n1).map { _ in draw() }.sorted(), (0..<n2).map { _ in 20 + draw() }.sorted()))
        }
        for (reference, current) in pairs {
            let fused = try reference.withUnsafeBufferPointer { u in
                try current.withUnsafeBufferPointer { v in
                    try KolmogorovSmirnov.testWithWasserstein(sortedReference: u, sortedCurrent: v)
                }
            }
            let ks = try KolmogorovSmirnov.test(sortedReference: reference, sortedCurrent: current)
            let distance = try Wasserstein.distance(sortedReference: reference, sortedCurrent: current)
            #expect(fused.test == ks)
            #expect(fused.wasserstein.bitPattern == distance.bitPattern)
        }
        #expect(throws: StatisticsError.self) {
            try [1.0, .infinity].withUnsafeBufferPointer { u in
                try [1.0].withUnsafeBufferPointer { v in
                    try KolmogorovSmirnov.testWithWasserstein(sortedReference: u, sortedCurrent: v)
                }
            }
        }
    }

    @Test("kstwo.sf over every branch (Ruben–Gambino, Durbin, Pomeranz, Pelz–Good, Smirnov)")
    func kolmogorovSurvival() {
        var failures: [String] = []
        for row in Self.fixtures.kstwo {
            let value = KolmogorovDistribution.survival(row.x, n: row.n)
            if !relativelyClose(value, row.sf) {
                failures.append("n=\(row.n) x=\(row.x): \(value) vs \(row.sf)")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("scipy.special.smirnov")
    func smirnovSurvival() {
        var failures: [String] = []
        for row in Self.fixtures.smirnov {
            let value = KolmogorovDistribution.smirnovSurvival(row.x, n: row.n)
            if !relativelyClose(value, row.sf) {
                failures.append("n=\(row.n) x=\(row.x): \(value) vs \(row.sf)")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("Wasserstein-1 and Evidently's normalised form", arguments: fixtures.wasserstein.map(\.name))
    func wasserstein(name: String) throws {
        let case_ = try #require(Self.fixtures.wasserstein.first { $0.name == name })
        let distance = try Wasserstein.distance(reference: case_.reference, current: case_.current)
        #expect(relativelyClose(distance, case_.distance), "\(distance) vs \(case_.distance)")
        let normalized = try Wasserstein.normalizedDistance(
            sortedReference: case_.reference.sorted(),
            sortedCurrent: case_.current.sorted(),
            referenceStandardDeviation: case_.referenceStd
        )
        #expect(relativelyClose(normalized, case_.normalized))
    }

    @Test("Jensen–Shannon (natural and base 2) and Hellinger", arguments: fixtures.distances.map(\.name))
    func distances(name: String) throws {
        let case_ = try #require(Self.fixtures.distances.first { $0.name == name })
        let js = try DistributionDistance.jensenShannon(case_.p, case_.q)
        let js2 = try DistributionDistance.jensenShannon(case_.p, case_.q, base: 2)
        let hellinger = try DistributionDistance.hellinger(case_.p, case_.q)
        #expect(relativelyClose(js, case_.jensenShannon), "\(js) vs \(case_.jensenShannon)")
        #expect(relativelyClose(js2, case_.jensenShannonBase2))
        #expect(relativelyClose(hellinger, case_.hellinger), "\(hellinger) vs \(case_.hellinger)")
    }

    @Test("Chi-square homogeneity matches scipy.stats.chi2_contingency", arguments: fixtures.chi2.map(\.name))
    func chiSquare(name: String) throws {
        let case_ = try #require(Self.fixtures.chi2.first { $0.name == name })
        let result = try ChiSquareHomogeneity.test(referenceCounts: case_.reference, currentCounts: case_.current)
        #expect(result.degreesOfFreedom == case_.dof)
        #expect(relativelyClose(result.statistic, case_.statistic), "\(result.statistic) vs \(case_.statistic)")
        #expect(relativelyClose(result.pValue, case_.pvalue), "\(result.pValue) vs \(case_.pvalue)")
    }

    @Test("chi2.sf")
    func chiSquareSurvival() {
        var failures: [String] = []
        for row in Self.fixtures.chi2sf {
            let value = SpecialFunctions.chiSquareSurvival(row.x, degreesOfFreedom: Double(row.df))
            if !relativelyClose(value, row.sf) {
                failures.append("df=\(row.df) x=\(row.x): \(value) vs \(row.sf)")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("PSI on reference equal-frequency bins equals Evidently's definition", arguments: fixtures.psi.map(\.name))
    func populationStabilityIndex(name: String) throws {
        let case_ = try #require(Self.fixtures.psi.first { $0.name == name })
        var histogram = try EqualFrequencyHistogram(reference: case_.reference, binCount: case_.bins)
        #expect(histogram.edges == case_.edges)
        let referenceCounts = histogram.referenceCounts.map { Double($0) }
        #expect(referenceCounts == case_.referenceCounts)
        for v in case_.current { histogram.observe(v) }
        let currentCounts = histogram.counts.map { Double($0) }
        #expect(currentCounts == case_.currentCounts)
        let psi = try PopulationStabilityIndex.index(referenceCounts: referenceCounts, currentCounts: currentCounts)
        #expect(relativelyClose(psi, case_.psi, tolerance: 1e-12), "\(psi) vs \(case_.psi)")
    }

    @Test("Two-proportion z-test matches statsmodels proportions_ztest")
    func twoProportion() throws {
        for row in Self.fixtures.proportions {
            let result = try TwoProportionTest.test(
                referenceSuccesses: row.x1,
                referenceTrials: row.n1,
                currentSuccesses: row.x2,
                currentTrials: row.n2
            )
            #expect(relativelyClose(result.statistic, row.z), "z \(result.statistic) vs \(row.z)")
            #expect(relativelyClose(result.pValue, row.pvalue), "p \(result.pValue) vs \(row.pvalue)")
        }
    }

    @Test(
        "Bonferroni and Benjamini–Hochberg match statsmodels multipletests",
        arguments: fixtures.multitest.map(\.name)
    )
    func multipleTesting(name: String) throws {
        let case_ = try #require(Self.fixtures.multitest.first { $0.name == name })
        let bonferroni = try MultipleTesting.correct(case_.pvalues, alpha: case_.alpha, method: .bonferroni)
        #expect(bonferroni.rejected == case_.bonferroniRejected)
        for (a, e) in zip(bonferroni.adjustedPValues, case_.bonferroniAdjusted) {
            #expect(relativelyClose(a, e, tolerance: 1e-12))
        }
        let bh = try MultipleTesting.correct(case_.pvalues, alpha: case_.alpha, method: .benjaminiHochberg)
        #expect(bh.rejected == case_.bhRejected)
        for (a, e) in zip(bh.adjustedPValues, case_.bhAdjusted) {
            #expect(relativelyClose(a, e, tolerance: 1e-12), "\(a) vs \(e)")
        }
    }
}
