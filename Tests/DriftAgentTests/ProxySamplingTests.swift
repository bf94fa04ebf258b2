import Testing

@testable import DriftAgentHTTP

@Suite("Proxy request sampling")
struct ProxySamplingTests {
    /// Golden values from a Python reference: fmix64(fnv1a64(text)), where fnv1a64 gives the published vectors
    /// ("" → 0xcbf29ce484222325, "a" → 0xaf63dc4c8601ec8c, "foobar" → 0x85944171f73967e8).
    @Test("The hash is 64-bit FNV-1a finalized with fmix64, scaled by its top 53 bits")
    func hashVectors() {
        let vectors: [(String, UInt64)] = [
            ("", 0xefd0_1f60_ba99_2926), ("a", 0x82a2_a958_a9be_ce5b), ("foobar", 0x2c22_1949_22d1_672b),
            ("req-1", 0x41bf_9201_cad1_d3b5),
        ]
        for (text, hash) in vectors {
            #expect(RequestSampler.unitHash(text) == Double(hash >> 11) / 9_007_199_254_740_992)
        }
    }

    @Test("Rates 0 and 1 record none and all; other rates record about that fraction, nested as the rate grows")
    func rates() {
        let ids = (0..<2_000).map { "req-\($0)" }
        #expect(ids.filter(RequestSampler(rate: 1).isSampled).count == 2_000)
        #expect(ids.filter(RequestSampler(rate: 0).isSampled).isEmpty)
        let low = Set(ids.filter(RequestSampler(rate: 0.2).isSampled))
        let half = Set(ids.filter(RequestSampler(rate: 0.5).isSampled))
        // Binomial(2000, p) has a standard deviation of at most 22.4; these bounds are over 4.5 of them. (The
        // Python reference gives 395 and 992.)
        #expect((300...500).contains(low.count))
        #expect((900...1_100).contains(half.count))
        #expect(low.isSubset(of: half))
        #expect(RequestSampler(rate: 7).rate == 1)
        #expect(RequestSampler(rate: -1).rate == 0)
    }
}
