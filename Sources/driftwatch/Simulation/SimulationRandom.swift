import DriftStatistics
import Foundation

/// The seeded generator behind `driftwatch simulate`: ``Xoshiro256StarStar`` with the draws traffic needs, so a
/// seed gives the same traffic on every machine and Swift release.
struct SimulationRandom: RandomNumberGenerator {
    private var generator: Xoshiro256StarStar

    /// A generator whose whole stream is fixed by `seed`.
    init(seed: UInt64) {
        generator = Xoshiro256StarStar(seed: seed)
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    mutating func uniformPositive() -> Double { 1 - uniform() }

    /// Whether an event of probability `probability` happens.
    mutating func bernoulli(_ probability: Double) -> Bool { uniform() < probability }

    /// A standard normal deviate (Box–Muller; one of the pair is used, so every call draws exactly two numbers).
    mutating func normal() -> Double {
        let radius = (-2 * log(uniformPositive())).squareRoot()
        return radius * cos(2 * Double.pi * uniform())
    }

    /// An exponential deviate with the given mean (inversion).
    mutating func exponential(mean: Double) -> Double { -mean * log(uniformPositive()) }

    /// An index drawn with probability proportional to `weights` (linear scan: the tables are small).
    mutating func index(weights: [Double], total: Double) -> Int {
        var remaining = uniform() * total
        for (index, weight) in weights.enumerated() {
            remaining -= weight
            if remaining < 0 { return index }
        }
        return weights.count - 1
    }
}
