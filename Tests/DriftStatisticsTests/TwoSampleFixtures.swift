import Foundation

/// The golden values written by `Fixtures/two-sample/generate.py` (scipy 1.17.1, numpy 2.4.6, statsmodels 0.14.4).
struct TwoSampleFixtures: Decodable {
    struct Compact: Decodable {
        var values: [Double]
        var counts: [Int]

        /// The sample, sorted ascending.
        var expanded: [Double] {
            var out: [Double] = []
            out.reserveCapacity(counts.reduce(0, +))
            for (v, c) in zip(values, counts) {
                out.append(contentsOf: repeatElement(v, count: c))
            }
            return out
        }
    }

    struct KS: Decodable {
        var name: String
        var reference: Compact
        var current: Compact
        var statistic: Double
        var pvalue: Double
        var exact: Bool
    }

    struct Survival: Decodable {
        var n: Int
        var x: Double
        var sf: Double
    }

    struct WassersteinCase: Decodable {
        var name: String
        var reference: [Double]
        var current: [Double]
        var distance: Double
        var normalized: Double
        var referenceStd: Double
    }

    struct DistanceCase: Decodable {
        var name: String
        var p: [Double]
        var q: [Double]
        var jensenShannon: Double
        var jensenShannonBase2: Double
        var hellinger: Double
    }

    struct ChiSquareCase: Decodable {
        var name: String
        var reference: [Double]
        var current: [Double]
        var statistic: Double
        var pvalue: Double
        var dof: Int
    }

    struct ChiSquareSurvival: Decodable {
        var x: Double
        var df: Int
        var sf: Double
    }

    struct PSICase: Decodable {
        var name: String
        var reference: [Double]
        var current: [Double]
        var bins: Int
        var edges: [Double]
        var referenceCounts: [Double]
        var currentCounts: [Double]
        var psi: Double
    }

    struct ProportionCase: Decodable {
        var x1: Int
        var n1: Int
        var x2: Int
        var n2: Int
        var z: Double
        var pvalue: Double
    }

    struct MultipleTestingCase: Decodable {
        var name: String
        var pvalues: [Double]
        var alpha: Double
        var bonferroniRejected: [Bool]
        var bonferroniAdjusted: [Double]
        var bhRejected: [Bool]
        var bhAdjusted: [Double]
    }

    var ks: [KS]
    var kstwo: [Survival]
    var smirnov: [Survival]
    var wasserstein: [WassersteinCase]
    var distances: [DistanceCase]
    var chi2: [ChiSquareCase]
    var chi2sf: [ChiSquareSurvival]
    var psi: [PSICase]
    var proportions: [ProportionCase]
    var multitest: [MultipleTestingCase]

    /// Loaded once per process.
    static let shared: TwoSampleFixtures = {
        guard let url = Bundle.module.url(forResource: "Fixtures/two-sample/two_sample", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let decoded = try? JSONDecoder().decode(TwoSampleFixtures.self, from: data)
        else {
            fatalError("Fixtures/two-sample/two_sample.json is missing or malformed")
        }
        return decoded
    }()
}

/// `|actual − expected| ≤ tolerance · |expected|`, with an absolute floor for expected values of exactly zero.
func relativelyClose(_ actual: Double, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
    if expected == 0 { return abs(actual) <= 1e-300 }
    return abs(actual - expected) <= tolerance * abs(expected)
}
