/// Request ids for requests that carry none: random (version 4) UUIDs in lower case, such as
/// `3f2b8c1e-9d4a-4b7e-8f01-6c5d2e3a4b9c`.
///
/// Drawn from a xoshiro256** generator seeded from the system's random source when the generator is created (one
/// per client connection), so an id costs no system call: Foundation's `UUID()` opens and reads a random device
/// for every id, which the proxy profile showed at ≈ 4 % of its CPU. The ids need to be unique, not secret; 122
/// random bits make a collision negligible. O(1) per id, one 36-byte string allocation. (The agent does not link
/// DriftStatistics, whose `Xoshiro256StarStar` the collector's samplers and the simulator share, so the few lines
/// of the generator are repeated here rather than pulling the statistics module into the sidecar.)
struct RequestIDGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator seeded from `SystemRandomNumberGenerator`.
    init() {
        var system = SystemRandomNumberGenerator()
        state = (system.next(), system.next(), system.next(), system.next() | 1)
    }

    /// The next 64 random bits (xoshiro256**, Blackman and Vigna 2018).
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

    /// A new id: a version 4, variant 1 UUID in lower-case hexadecimal with dashes (8-4-4-4-12).
    mutating func uuidString() -> String {
        let high = (next() & ~0xF000) | 0x4000
        let low = (next() & ~(0xC0 << 56)) | (0x80 << 56)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                let digit = UInt8(truncatingIfNeeded: (word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)
                buffer[position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                position += 1
            }
            return position
        }
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
