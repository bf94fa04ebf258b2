/// A uniform random sample of fixed size from an unbounded stream (Vitter's Algorithm R, ACM TOMS 11(1), 1985),
/// with the generator state inside the struct so the same seed and stream give the same sample — replays and
/// checkpoints are deterministic.
///
/// The generator is xoshiro256** (Blackman & Vigna 2018) seeded through SplitMix64; bounded draws use Lemire's
/// nearly-divisionless method (ACM TOMACS 2019). Memory: `8·capacity` bytes plus 40 bytes of state.
public struct ReservoirSample: Sendable, Hashable, Codable {
    private var reservoir: [Double]
    /// Values held (≤ capacity).
    public private(set) var count = 0
    /// Values seen in total.
    public private(set) var seen: UInt64 = 0
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates an empty reservoir.
    ///
    /// - Parameters:
    ///   - capacity: The sample size, ≥ 1.
    ///   - seed: Seeds the generator.
    public init(capacity: Int, seed: UInt64) {
        precondition(capacity >= 1, "capacity must be at least 1")
        reservoir = [Double](repeating: 0, count: capacity)
        var s = seed
        state = (Self.splitMix(&s), Self.splitMix(&s), Self.splitMix(&s), Self.splitMix(&s))
    }

    /// The sample size.
    public var capacity: Int { reservoir.count }
    /// The sampled values (allocates).
    public var values: [Double] { Array(reservoir[0..<count]) }

    /// Offers a value to the sample.
    ///
    /// - Complexity: O(1), one generator draw once the reservoir is full; no allocation.
    public mutating func observe(_ value: Double) {
        seen += 1
        if count < reservoir.count {
            reservoir[count] = value
            count += 1
            return
        }
        let j = nextBounded(seen)
        if j < UInt64(reservoir.count) {
            reservoir[Int(j)] = value
        }
    }

    private static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next xoshiro256** output.
    mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire).
    mutating func nextBounded(_ bound: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    public static func == (lhs: ReservoirSample, rhs: ReservoirSample) -> Bool {
        lhs.reservoir == rhs.reservoir && lhs.count == rhs.count && lhs.seen == rhs.seen
            && lhs.state == rhs.state
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(reservoir)
        hasher.combine(seen)
        hasher.combine(state.0)
        hasher.combine(state.1)
        hasher.combine(state.2)
        hasher.combine(state.3)
    }

    private enum CodingKeys: String, CodingKey {
        case reservoir, count, seen, state
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reservoir = try c.decode([Double].self, forKey: .reservoir)
        count = try c.decode(Int.self, forKey: .count)
        seen = try c.decode(UInt64.self, forKey: .seen)
        let s = try c.decode([UInt64].self, forKey: .state)
        guard s.count == 4, count <= reservoir.count, !reservoir.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "invalid reservoir")
        }
        state = (s[0], s[1], s[2], s[3])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reservoir, forKey: .reservoir)
        try c.encode(count, forKey: .count)
        try c.encode(seen, forKey: .seen)
        try c.encode([state.0, state.1, state.2, state.3], forKey: .state)
    }
}
