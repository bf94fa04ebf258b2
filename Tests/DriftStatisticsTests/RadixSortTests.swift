import DriftStatistics
import Testing

@Suite("Radix sort")
struct RadixSortTests {
    /// A seeded SplitMix64, so failures reproduce.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(
        "Sorts exactly like a comparison sort, for every size and value shape",
        arguments: [0, 1, 2, 63, 64, 65, 500, 1000, 4097]
    )
    func matchesComparisonSort(count: Int) {
        var generator = Generator(state: UInt64(count) &+ 17)
        let shapes: [(inout Generator) -> Double] = [
            { Double.random(in: -3...3, using: &$0) },
            { Double.random(in: 1000...1001, using: &$0) },
            { Double(Int.random(in: -5...5, using: &$0)) },
            { [-Double.infinity, -1e300, -0.0, 0.0, 5e-324, 1e300, .infinity][Int.random(in: 0..<7, using: &$0)] },
            { Double(bitPattern: $0.next() & ~(0x7FF0 << 48)) * (Bool.random(using: &$0) ? 1 : -1) },
        ]
        var scratch: [UInt64] = []
        for shape in shapes {
            var values = (0..<count).map { _ in shape(&generator) }
            let expected = values.sorted()
            RadixSort.sort(&values, scratch: &scratch)
            #expect(values == expected)
            #expect(zip(values, values.dropFirst()).allSatisfy { $0.0 <= $0.1 })
        }
    }

    @Test("Negative zero sorts before positive zero and infinities at the ends")
    func signedZeroAndInfinities() {
        var values = [0.0, .infinity, -0.0, -.infinity, 1, -1] + [Double](repeating: 2, count: 100)
        var scratch: [UInt64] = []
        RadixSort.sort(&values, scratch: &scratch)
        #expect(values.first == -.infinity)
        #expect(values.last == .infinity)
        #expect(values[2].sign == .minus && values[2] == 0)
        #expect(values[3].sign == .plus && values[3] == 0)
    }

    @Test(
        "Bucket sort gives the comparison sort's order for every size and value shape",
        arguments: [0, 1, 2, 63, 64, 65, 500, 1000, 4097]
    )
    func bucketSortMatchesComparisonSort(count: Int) {
        var generator = Generator(state: UInt64(count) &+ 91)
        let shapes: [(inout Generator) -> Double] = [
            { Double.random(in: -3...3, using: &$0) },
            { Double.random(in: 1000...1001, using: &$0) },
            { Double(Int.random(in: -5...5, using: &$0)) },
            // Heavy clumps with far outliers: buckets overflow to the comparison sort.
            {
                Bool.random(using: &$0)
                    ? 1e12 * Double.random(in: 0...1, using: &$0) : Double.random(in: 0...1e-3, using: &$0)
            },
            // Infinities and extremes: the radix fallback.
            { [-Double.infinity, -1e300, -0.0, 0.0, 5e-324, 1e300, .infinity][Int.random(in: 0..<7, using: &$0)] },
            // A span that overflows, and a subnormal span (scale not finite).
            { [-1.7e308, 1.7e308, 0][Int.random(in: 0..<3, using: &$0)] },
            { [0, 5e-324, 1e-323][Int.random(in: 0..<3, using: &$0)] },
            { Double(bitPattern: $0.next() & ~(0x7FF0 << 48)) * (Bool.random(using: &$0) ? 1 : -1) },
        ]
        var scratch: [Double] = []
        var counts: [Int32] = []
        for shape in shapes {
            var values = (0..<count).map { _ in shape(&generator) }
            let expected = values.sorted()
            BucketSort.sort(&values, scratch: &scratch, counts: &counts)
            // Equal as numbers (−0.0 and +0.0 may trade places), and in order.
            #expect(values.elementsEqual(expected) { $0 == $1 })
            #expect(zip(values, values.dropFirst()).allSatisfy { $0.0 <= $0.1 })
        }
    }
}
