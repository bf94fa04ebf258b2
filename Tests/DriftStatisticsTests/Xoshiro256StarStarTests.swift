import DriftStatistics
import Testing

@Suite("xoshiro256** generator")
struct Xoshiro256StarStarTests {
    @Test("From the state {1, 2, 3, 4} it gives the reference implementation's first outputs")
    func referenceOutputs() throws {
        // xoshiro256starstar.c (Blackman and Vigna) with s = {1, 2, 3, 4}: 11520, 0, 1509978240, 1215971899390074240.
        var generator = try #require(Xoshiro256StarStar(words: [1, 2, 3, 4]))
        #expect((0..<4).map { _ in generator.next() } == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
        #expect(Xoshiro256StarStar(words: [1, 2, 3]) == nil)
    }

    @Test("A seed fixes the stream; its state round-trips through words; bounded draws stay below the bound")
    func seedsAndBounds() throws {
        var a = Xoshiro256StarStar(seed: 42)
        var b = Xoshiro256StarStar(seed: 42)
        var c = Xoshiro256StarStar(seed: 43)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
        var resumed = try #require(Xoshiro256StarStar(words: a.words))
        #expect((0..<8).map { _ in resumed.next() } == (0..<8).map { _ in a.next() })
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<6_000 { counts[Int(a.next(below: 6))] += 1 }
        #expect(counts.allSatisfy { $0 > 800 && $0 < 1_200 })
    }
}
