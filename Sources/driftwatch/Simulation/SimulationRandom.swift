import Foundation

/// The seeded generator behind `driftwatch simulate`: xoshiro256** (Blackman and Vigna, "Scrambled linear
/// pseudorandom number generators", 2021) seeded through SplitMix64, so a seed gives the same traffic on every
/// machine and Swift release (the standard library's generator is not seedable).
struct SimulationRandom: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole stream is fixed by `seed`.
    init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var value = mixer
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 { (value << count) | (value >> (64 - count)) }

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
