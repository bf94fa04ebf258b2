import Foundation
import Testing

@testable import DriftStatistics

/// A tiny deterministic generator for test inputs (SplitMix64).
struct WindowTestGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Standard normal by Box–Muller.
    mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300)
        let u2 = uniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

@Suite("Window structures")
struct WindowTests {
    @Test("Rolling window keeps the last N values, its sorted view and moments")
    func rollingWindow() {
        var window = RollingWindow(capacity: 5)
        var evicted: [Double] = []
        for v in [5.0, 1, 4, 1, 3, 9, 2, 6] {
            if let e = window.observe(v) { evicted.append(e) }
        }
        #expect(window.values == [1, 3, 9, 2, 6])
        #expect(evicted == [5, 1, 4])
        #expect(window.sorted.values == [1, 2, 3, 6, 9])
        #expect(window.count == 5)
        #expect(window.observedCount == 8)
        #expect(abs(window.moments.mean - 4.2) < 1e-12)
        // Population variance of [1, 3, 9, 2, 6] = 8.56.
        #expect(abs(window.moments.populationVariance - 8.56) < 1e-12)
        #expect(window.removeOldest() == 1)
        #expect(window.sorted.values == [2, 3, 6, 9])
    }

    @Test("Rolling window sorted view and moments stay exact over a long stream")
    func rollingWindowLongStream() {
        var generator = WindowTestGenerator(state: 7)
        var window = RollingWindow(capacity: 200)
        var all: [Double] = []
        for _ in 0..<5_000 {
            let v = (generator.normal() * 1000).rounded() / 1000
            all.append(v)
            window.observe(v)
        }
        let tail = Array(all.suffix(200))
        #expect(window.values == tail)
        #expect(window.sorted.values == tail.sorted())
        let mean = tail.reduce(0, +) / 200
        let variance = tail.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 200
        #expect(abs(window.moments.mean - mean) < 1e-9)
        #expect(abs(window.moments.populationVariance - variance) < 1e-9 * variance)
    }

    @Test("KS on a window's sorted view equals KS on the arrays")
    func windowFeedsKolmogorovSmirnov() throws {
        var generator = WindowTestGenerator(state: 11)
        var reference = RollingWindow(capacity: 300)
        var current = RollingWindow(capacity: 300)
        var a: [Double] = []
        var b: [Double] = []
        for _ in 0..<300 {
            let x = generator.normal()
            let y = generator.normal() + 0.5
            reference.observe(x)
            current.observe(y)
            a.append(x)
            b.append(y)
        }
        let fromWindows = try KolmogorovSmirnov.test(sortedReference: reference.sorted, sortedCurrent: current.sorted)
        let fromArrays = try KolmogorovSmirnov.test(reference: a, current: b)
        #expect(fromWindows == fromArrays)
        #expect(fromWindows.isExact)
        #expect(fromWindows.pValue < 0.01)
    }

    @Test("Event-time window evicts by timestamp and counts capacity overflow")
    func eventTimeWindow() {
        var window = EventTimeWindow(spanNanoseconds: 10, capacity: 4)
        window.observe(1, at: 0)
        window.observe(2, at: 5)
        window.observe(3, at: 9)
        #expect(window.orderedValues == [1, 2, 3])
        window.observe(4, at: 10)  // 0 ≤ 10 − 10: the value at t = 0 ages out
        #expect(window.orderedValues == [2, 3, 4])
        window.observe(5, at: 11)
        window.observe(6, at: 12)  // capacity 4: the value at t = 5 is evicted early
        #expect(window.orderedValues == [3, 4, 5, 6])
        #expect(window.overflowCount == 1)
        window.advance(to: 21)  // cutoff 11: keeps t = 12 only
        #expect(window.orderedValues == [6])
        #expect(window.sorted.values == [6])
    }

    @Test("Lagged reference trails the stream by the lag")
    func laggedReference() {
        var lagged = LaggedReferenceWindow(lag: 10, size: 5)
        for i in 1...14 {
            lagged.observe(Double(i))
        }
        #expect(!lagged.isReady)
        lagged.observe(15)
        #expect(lagged.isReady)
        #expect(lagged.reference.values == [1, 2, 3, 4, 5])
        for i in 16...30 {
            lagged.observe(Double(i))
        }
        #expect(lagged.reference.values == [16, 17, 18, 19, 20])
    }

    @Test("Reservoir sample is deterministic per seed, survives a checkpoint, and is unbiased")
    func reservoir() throws {
        var a = ReservoirSample(capacity: 1_000, seed: 42)
        var b = ReservoirSample(capacity: 1_000, seed: 42)
        var c = ReservoirSample(capacity: 1_000, seed: 43)
        for i in 0..<50_000 {
            a.observe(Double(i))
            b.observe(Double(i))
            c.observe(Double(i))
        }
        #expect(a == b)
        #expect(a.values != c.values)
        #expect(a.seen == 50_000)
        #expect(Set(a.values).count == 1_000)
        // Mean of a uniform sample of 0..<50 000: expectation 24 999.5, standard error ≈ 456.
        let mean = a.values.reduce(0, +) / 1_000
        #expect(abs(mean - 24_999.5) < 4 * 456)
        // A checkpoint restores the generator state: both continue identically.
        let data = try JSONEncoder().encode(a)
        var restored = try JSONDecoder().decode(ReservoirSample.self, from: data)
        for i in 50_000..<60_000 {
            a.observe(Double(i))
            restored.observe(Double(i))
        }
        #expect(a == restored)
        var small = ReservoirSample(capacity: 10, seed: 1)
        for i in 0..<7 { small.observe(Double(i)) }
        #expect(small.values == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test("Fixed reference keeps a quantile subsample, the full summary and bins")
    func fixedReference() throws {
        let baseline = (0..<10_000).map { Double($0) }
        let reference = try FixedReference(baseline: baseline.shuffled(), sampleSize: 500, binCount: 4)
        #expect(reference.sortedSample.count == 500)
        #expect(reference.sortedSample.first == 10)
        #expect(reference.sortedSample.last == 9_990)
        #expect(reference.sortedSample == reference.sortedSample.sorted())
        #expect(reference.summary.count == 10_000)
        #expect(reference.summary.mean == 4_999.5)
        #expect(abs(reference.summary.standardDeviation - 2_886.751_331_514_372) < 1e-6)
        #expect(reference.histogram.edges == [0, 2_499.75, 4_999.5, 7_499.25, 9_999])
        #expect(reference.histogram.referenceCounts == [0, 2_500, 2_500, 2_500, 2_500, 0])
        let small = try FixedReference(baseline: [3, 1, 2])
        #expect(small.sortedSample == [1, 2, 3])
        #expect(throws: StatisticsError.self) { try FixedReference(baseline: []) }
        #expect(throws: StatisticsError.self) { try FixedReference(baseline: [1, .nan]) }
    }
}
