import Testing

@testable import DriftStatistics

@Suite("Relative-accuracy quantizer")
struct RelativeAccuracyQuantizerTests {
    @Test("Values map to their DDSketch bucket representative, within α, idempotent and monotone")
    func buckets() throws {
        let quantizer = try RelativeAccuracyQuantizer(relativeAccuracy: 0.01)
        var previous = -Double.infinity
        var x = -1e6
        while x < 1e6 {
            let q = quantizer.quantize(x)
            if abs(x) > DDSketch.minimumIndexableValue {
                #expect(abs(q - x) <= 0.01 * abs(x) * (1 + 1e-12))
            }
            #expect(quantizer.quantize(q) == q)
            #expect(q >= previous)
            previous = q
            x = x < 0 ? x / 1.37 + (x > -1e-6 ? 1e-3 : 0) : x * 1.37 + 1e-3
        }
        #expect(quantizer.quantize(0) == 0)
        #expect(quantizer.quantize(1e-12) == 0)
        #expect(quantizer.quantize(.nan).isNaN)
        #expect(quantizer.quantize(.infinity) == .infinity)
        #expect(quantizer.quantize(-2) == -quantizer.quantize(2))
    }

    @Test("The accuracy must lie in (0, 1)")
    func invalid() {
        #expect(throws: StatisticsError.self) { try RelativeAccuracyQuantizer(relativeAccuracy: 0) }
        #expect(throws: StatisticsError.self) { try RelativeAccuracyQuantizer(relativeAccuracy: 1) }
    }
}
