/// A uniform random sample of fixed size from an unbounded stream (Vitter's Algorithm R, ACM TOMS 11(1), 1985),
/// with the generator state inside the struct so the same seed and stream give the same sample — replays and
/// checkpoints are deterministic.
///
/// The generator is ``Xoshiro256StarStar``; bounded draws use Lemire's nearly-divisionless method (ACM TOMACS
/// 2019). Memory: `8·capacity` bytes plus 40 bytes of state.
public struct ReservoirSample: Sendable, Hashable, Codable {
    private var reservoir: [Double]
    /// Values held (≤ capacity).
    public private(set) var count = 0
    /// Values seen in total.
    public private(set) var seen: UInt64 = 0
    private var generator: Xoshiro256StarStar

    /// Creates an empty reservoir.
    ///
    /// - Parameters:
    ///   - capacity: The sample size, ≥ 1.
    ///   - seed: Seeds the generator.
    public init(capacity: Int, seed: UInt64) {
        precondition(capacity >= 1, "capacity must be at least 1")
        reservoir = [Double](repeating: 0, count: capacity)
        generator = Xoshiro256StarStar(seed: seed)
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

    /// The next generator output.
    mutating func next() -> UInt64 { generator.next() }

    /// A uniform integer in `0..<bound` (Lemire).
    mutating func nextBounded(_ bound: UInt64) -> UInt64 { generator.next(below: bound) }

    public static func == (lhs: ReservoirSample, rhs: ReservoirSample) -> Bool {
        lhs.reservoir == rhs.reservoir && lhs.count == rhs.count && lhs.seen == rhs.seen
            && lhs.generator == rhs.generator
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(reservoir)
        hasher.combine(seen)
        hasher.combine(generator)
    }

    private enum CodingKeys: String, CodingKey {
        case reservoir, count, seen, state
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reservoir = try c.decode([Double].self, forKey: .reservoir)
        count = try c.decode(Int.self, forKey: .count)
        seen = try c.decode(UInt64.self, forKey: .seen)
        guard let generator = Xoshiro256StarStar(words: try c.decode([UInt64].self, forKey: .state)),
            count <= reservoir.count, !reservoir.isEmpty
        else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "invalid reservoir")
        }
        self.generator = generator
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reservoir, forKey: .reservoir)
        try c.encode(count, forKey: .count)
        try c.encode(seen, forKey: .seen)
        try c.encode(generator.words, forKey: .state)
    }
}
