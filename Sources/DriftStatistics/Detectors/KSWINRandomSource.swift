/// The source of random indices KSWIN uses to draw its reference sample.
///
/// KSWIN draws `statSize` distinct positions out of the older part of its window with the pool (partial
/// Fisher–Yates) algorithm of CPython's `random.sample`; a source only answers uniform integers below a bound.
/// ``KSWINSplitMix64Source`` is the default; a source replaying CPython's Mersenne Twister makes KSWIN reproduce
/// River's sample for sample (the test suite does this).
public protocol KSWINRandomSource: Sendable {
    /// A uniformly distributed integer in `0 ..< upperBound` (`upperBound ≥ 1`).
    mutating func index(below upperBound: Int) -> Int
}

/// The default ``KSWINRandomSource``: SplitMix64 (Steele, Lea & Flood, "Fast Splittable Pseudorandom Number
/// Generators", OOPSLA 2014) with Lemire's unbiased multiply-and-shift bounding, 8 bytes of state.
public struct KSWINSplitMix64Source: KSWINRandomSource, Codable, Hashable {
    @usableFromInline
    internal var state: UInt64

    /// Creates a source from a seed; equal seeds give equal sequences.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    @inlinable
    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed integer in `0 ..< upperBound`, by Lemire's multiply-and-shift with rejection
    /// ("Fast Random Integer Generation in an Interval", ACM TOMACS 29(1), 2019): the high word of
    /// `next() · upperBound`, redrawn only when the low word falls in the `2⁶⁴ mod upperBound` biased values, which
    /// for KSWIN's bounds (≤ 65,536) happens with probability below 2⁻⁴⁸.
    @inlinable
    @inline(__always)
    public mutating func index(below upperBound: Int) -> Int {
        precondition(upperBound >= 1, "upperBound must be positive")
        let bound = UInt64(truncatingIfNeeded: upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(truncatingIfNeeded: product.high)
    }
}
