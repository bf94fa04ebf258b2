// Windows, sketches, two-sample tests and distances. Run: cd Benchmarks && swift package benchmark --target
// StatisticsBenchmarks. scipy is measured on the same inputs by Benchmarks/baselines/scipy_two_sample.py; ratios
// are in docs/performance.md.
import Benchmark
import DriftStatistics

/// Deterministic inputs shared by all benchmarks (SplitMix64 + Box–Muller).
private struct Inputs {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func normal() -> Double {
        let u1 = max(Double(next() >> 11) * 0x1p-53, 1e-300)
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    mutating func sample(_ n: Int, shift: Double = 0) -> [Double] {
        (0..<n).map { _ in normal() + shift }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    var inputs = Inputs(state: 2026)
    let stream = inputs.sample(1 << 16)
    let mask = stream.count - 1

    Benchmark("RollingWindow.observe (500, sorted view)", configuration: .init(scalingFactor: .kilo)) { b in
        var window = RollingWindow(capacity: 500)
        var i = 0
        for _ in b.scaledIterations {
            window.observe(stream[i & mask])
            i &+= 1
        }
        blackHole(window.count)
    }
    Benchmark("RollingWindow.observe (500, no sorted view)", configuration: .init(scalingFactor: .kilo)) { b in
        var window = RollingWindow(capacity: 500, keepsSorted: false)
        var i = 0
        for _ in b.scaledIterations {
            window.observe(stream[i & mask])
            i &+= 1
        }
        blackHole(window.count)
    }
    Benchmark("EventTimeWindow.observe (500, sorted view)", configuration: .init(scalingFactor: .kilo)) { b in
        var window = EventTimeWindow(spanNanoseconds: 250_000, capacity: 500)
        var i = 0
        for _ in b.scaledIterations {
            window.observe(stream[i & mask], at: Int64(i) * 1_000)
            i &+= 1
        }
        blackHole(window.count)
    }
    Benchmark("LaggedReferenceWindow.observe (lag 500, size 500)", configuration: .init(scalingFactor: .kilo)) { b in
        var window = LaggedReferenceWindow(lag: 500, size: 500)
        var i = 0
        for _ in b.scaledIterations {
            window.observe(stream[i & mask])
            i &+= 1
        }
        blackHole(window.isReady)
    }
    Benchmark("ReservoirSample.observe (500)", configuration: .init(scalingFactor: .kilo)) { b in
        var reservoir = ReservoirSample(capacity: 500, seed: 1)
        var i = 0
        for _ in b.scaledIterations {
            reservoir.observe(stream[i & mask])
            i &+= 1
        }
        blackHole(reservoir.count)
    }
    Benchmark("DDSketch.observe (α 1 %, 256 bins)", configuration: .init(scalingFactor: .kilo)) { b in
        var sketch = try DDSketch()
        var i = 0
        for _ in b.scaledIterations {
            sketch.observe(exp(stream[i & mask]))
            i &+= 1
        }
        blackHole(sketch.count)
    }
    Benchmark("EqualFrequencyHistogram.observe (10 bins)", configuration: .init(scalingFactor: .kilo)) { b in
        var histogram = try EqualFrequencyHistogram(reference: Array(stream[0..<1_000]), binCount: 10)
        var i = 0
        for _ in b.scaledIterations {
            histogram.observe(stream[i & mask])
            i &+= 1
        }
        blackHole(histogram.total)
    }
    Benchmark("CategoricalFrequencyTable.observe (32 categories)", configuration: .init(scalingFactor: .kilo)) { b in
        let labels = (0..<40).map { "category-\($0)" }
        var table = CategoricalFrequencyTable()
        var i = 0
        for _ in b.scaledIterations {
            table.observe(labels[i % 40])
            i &+= 1
        }
        blackHole(table.total)
    }

    for n in [1_000, 10_000] {
        let reference = inputs.sample(n).sorted()
        let current = inputs.sample(n, shift: 0.05).sorted()
        let unsortedCurrent = inputs.sample(n, shift: 0.05)
        Benchmark("KS two-sample \(n)+\(n) (sorted windows)") { b in
            for _ in b.scaledIterations {
                blackHole(try KolmogorovSmirnov.test(sortedReference: reference, sortedCurrent: current))
            }
        }
        Benchmark("KS two-sample \(n)+\(n) (current unsorted)") { b in
            for _ in b.scaledIterations {
                blackHole(
                    try KolmogorovSmirnov.test(sortedReference: reference, sortedCurrent: unsortedCurrent.sorted())
                )
            }
        }
        let histogram = try? EqualFrequencyHistogram(sortedReference: reference, binCount: 10)
        Benchmark("PSI \(n) (bin current + index, 10 bins)") { b in
            guard var h = histogram else { return }
            let referenceCounts = h.referenceCounts.map { Double($0) }
            for _ in b.scaledIterations {
                h.reset()
                for v in current { h.observe(v) }
                blackHole(
                    try PopulationStabilityIndex.index(
                        referenceCounts: referenceCounts,
                        currentCounts: h.counts.map { Double($0) }
                    )
                )
            }
        }
    }
}
