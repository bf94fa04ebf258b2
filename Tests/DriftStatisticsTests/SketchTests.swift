import Foundation
import Testing

@testable import DriftStatistics

@Suite("Sketch structures")
struct SketchTests {
    /// The true quantile under DDSketch's rank convention.
    static func trueQuantile(_ sorted: [Double], _ q: Double) -> Double {
        sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
    }

    @Test("DDSketch meets its relative-error guarantee on a heavy-tailed latency sample")
    func ddsketchAccuracy() throws {
        var generator = WindowTestGenerator(state: 3)
        var sketch = try DDSketch(relativeAccuracy: 0.01, maxBinCount: 512)
        var values: [Double] = []
        for _ in 0..<20_000 {
            let latency = Foundation.exp(generator.normal() * 0.8 + 3)  // lognormal, ms
            values.append(latency)
            sketch.observe(latency)
        }
        values.sort()
        for q in [0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let estimate = try #require(sketch.quantile(q))
            let truth = Self.trueQuantile(values, q)
            #expect(abs(estimate - truth) <= 0.01 * truth * (1 + 1e-12), "q=\(q): \(estimate) vs \(truth)")
        }
        #expect(sketch.count == 20_000)
        #expect(sketch.quantile(1.5) == nil)
    }

    @Test("DDSketch collapses the lowest buckets and keeps high quantiles exact to α")
    func ddsketchCollapse() throws {
        var sketch = try DDSketch(relativeAccuracy: 0.02, maxBinCount: 64)
        var values: [Double] = []
        var x = 1e-3
        while x < 1e4 {
            values.append(x)
            sketch.observe(x)
            x *= 1.01
        }
        values.sort()
        for q in [0.9, 0.95, 0.99, 1.0] {
            let estimate = try #require(sketch.quantile(q))
            let truth = Self.trueQuantile(values, q)
            #expect(abs(estimate - truth) <= 0.02 * truth * (1 + 1e-12), "q=\(q): \(estimate) vs \(truth)")
        }
        // The lowest quantile is collapsed upward but stays within the observed range.
        let low = try #require(sketch.quantile(0.01))
        #expect(low >= values[0])
    }

    @Test("DDSketch merge equals the sketch of the concatenated stream; negatives and zeros are handled")
    func ddsketchMerge() throws {
        var generator = WindowTestGenerator(state: 5)
        var a = try DDSketch()
        var b = try DDSketch()
        var whole = try DDSketch()
        var values: [Double] = []
        for i in 0..<4_000 {
            let v = i % 50 == 0 ? 0 : generator.normal() * 10
            values.append(v)
            whole.observe(v)
            if i % 2 == 0 { a.observe(v) } else { b.observe(v) }
        }
        try a.merge(b)
        values.sort()
        for q in [0.0, 0.05, 0.3, 0.5, 0.7, 0.99, 1.0] {
            #expect(a.quantile(q) == whole.quantile(q))
            let estimate = try #require(a.quantile(q))
            let truth = Self.trueQuantile(values, q)
            #expect(abs(estimate - truth) <= 0.01 * abs(truth) * (1 + 1e-12), "q=\(q): \(estimate) vs \(truth)")
        }
        let other = try DDSketch(relativeAccuracy: 0.05)
        #expect(throws: StatisticsError.self) { try a.merge(other) }
    }

    @Test("Equal-frequency histogram: under/over-range bins, removal and merge")
    func histogram() throws {
        var histogram = try EqualFrequencyHistogram(reference: (1...100).map { Double($0) }, binCount: 4)
        #expect(histogram.edges == [1, 25.75, 50.5, 75.25, 100])
        #expect(histogram.referenceCounts == [0, 25, 25, 25, 25, 0])
        for v in [-5.0, 1, 25.75, 100, 100.5, 60] { histogram.observe(v) }
        #expect(histogram.counts == [1, 1, 1, 1, 1, 1])
        histogram.remove(60)
        #expect(histogram.counts == [1, 1, 1, 0, 1, 1])
        var other = histogram
        try other.merge(histogram)
        #expect(other.counts == [2, 2, 2, 0, 2, 2])
        #expect(other.total == 10)
        let constant = try EqualFrequencyHistogram(reference: [3, 3, 3], binCount: 10)
        #expect(constant.edges == [3, 3])
        #expect(constant.referenceCounts == [0, 3, 0])
    }

    @Test("Categorical table: cap, unseen bucket, frozen copy and chi-square with unseen values")
    func categorical() throws {
        var reference = CategoricalFrequencyTable(maximumCategories: 3)
        for c in ["a", "b", "a", "c", "d", "a", "b"] { reference.observe(c) }
        #expect(reference.categories == ["a", "b", "c"])
        #expect(reference.countVector == [3, 2, 1, 1])
        var current = reference.frozenEmptyCopy()
        for c in ["a", "x", "y", "b", "c", "c"] { current.observe(c) }
        #expect(current.categories == ["a", "b", "c"])
        #expect(current.countVector == [1, 1, 2, 2])
        #expect(current.total == 6)
        var merged = reference
        merged.merge(current)
        #expect(merged.countVector == [4, 3, 3, 3])
        // Chi-square on the table with its unseen bucket matches scipy.stats.chi2_contingency:
        // chi2_contingency([[30, 20, 10, 0], [25, 20, 10, 10]]) → statistic 10.27098, p 0.0163977 (dof 3).
        var r = CategoricalFrequencyTable(maximumCategories: 3)
        for (name, n) in [("a", 30), ("b", 20), ("c", 10)] {
            for _ in 0..<n { r.observe(name) }
        }
        var c = r.frozenEmptyCopy()
        for (name, n) in [("a", 25), ("b", 20), ("c", 10), ("new", 10)] {
            for _ in 0..<n { c.observe(name) }
        }
        let result = try ChiSquareHomogeneity.test(referenceCounts: r.countVector, currentCounts: c.countVector)
        #expect(result.degreesOfFreedom == 3)
        #expect(abs(result.statistic - 10.270_979_020_979_02) < 1e-9)
        #expect(abs(result.pValue - 0.016_397_743_032_602_205) < 1e-12)
    }
}
