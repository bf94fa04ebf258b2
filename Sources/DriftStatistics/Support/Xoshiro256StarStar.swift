/// xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4), 2021),
/// seeded through SplitMix64: the one seedable generator of driftwatch's samplers and simulations, so a seed gives
/// the same stream on every machine and Swift release (the standard library's generator cannot be seeded).
///
/// 32 bytes of state; ``words`` exposes it so that owners can checkpoint it.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
    // Inlinable (the simulator draws several numbers per event from another module).
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A generator whose whole stream is fixed by `seed` (four SplitMix64 outputs).
    public init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var value = mixer
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// A generator resumed from a checkpointed state (``words``); nil unless there are exactly four words.
    public init?(words: [UInt64]) {
        guard words.count == 4 else { return nil }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }

    /// The state, for checkpoints.
    public var words: [UInt64] { [s0, s1, s2, s3] }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = Self.rotate(s1 &* 5, 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = Self.rotate(s3, 45)
        return result
    }

    /// A uniform integer in `0..<bound`, `bound` > 0 (Lemire's nearly divisionless method, ACM TOMACS 2019).
    @inlinable
    public mutating func next(below bound: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    @inlinable
    static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 &- count))
    }
}
