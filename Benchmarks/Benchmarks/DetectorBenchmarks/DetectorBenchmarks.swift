// Streaming change detectors: nanoseconds per update at River's defaults, on the same seeded streams the River
// baseline (Benchmarks/baselines/river_detectors.py) replays. One scaled iteration is 1,000 consecutive updates
// (so the harness's own per-iteration cost is amortised) and time is reported in microseconds: the figure per
// iteration in µs is the cost of one update in ns (docs/performance.md, "Streaming change detectors").
import Benchmark
import DriftStatistics

#if canImport(Glibc)
import Glibc
#endif

/// The stream generator of Tests/DriftStatisticsTests/Fixtures/detectors/detector_streams.py (SplitMix64,
/// Box–Muller), so both languages update on identical values.
struct BenchmarkStream {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    mutating func normal() -> Double {
        let u1 = uniform()
        let u2 = uniform()
        return (-2.0 * log(1.0 - u1)).squareRoot() * cos(6.283185307179586 * u2)
    }

    /// 65,536 values: N(0, 1) for the first half, N(1, 1) for the second (seed 1).
    static func numeric() -> [Double] {
        var stream = BenchmarkStream(seed: 1)
        return (0..<65_536).map { ($0 < 32_768 ? 0 : 1) + stream.normal() }
    }

    /// 65,536 outcomes: error rate 0.1 for the first half, 0.2 for the second (seed 11).
    static func binary() -> [Bool] {
        var stream = BenchmarkStream(seed: 11)
        return (0..<65_536).map { stream.uniform() < ($0 < 32_768 ? 0.1 : 0.2) }
    }
}

func numericBenchmark<D: NumericChangeDetector>(_ name: String, _ make: @escaping @Sendable () -> D) {
    Benchmark("\(name) update (µs per 1000 = ns per update)") { benchmark in
        let values = BenchmarkStream.numeric()
        var detector = make()
        var position = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<1_000 {
                blackHole(detector.update(values[position]))
                position = (position + 1) & 65_535
            }
        }
    }
}

func binaryBenchmark<D: BinaryChangeDetector>(_ name: String, _ make: @escaping @Sendable () -> D) {
    Benchmark("\(name) update (µs per 1000 = ns per update)") { benchmark in
        let values = BenchmarkStream.binary()
        var detector = make()
        var position = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<1_000 {
                blackHole(detector.update(values[position]))
                position = (position + 1) & 65_535
            }
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        timeUnits: .microseconds,
        warmupIterations: 1,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 20
    )
    numericBenchmark("ADWIN") { ADWIN() }
    numericBenchmark("PageHinkley") { PageHinkley() }
    numericBenchmark("CUSUM") { CUSUM() }
    numericBenchmark("EWMAChart") { EWMAChart() }
    numericBenchmark("KSWIN") { KSWIN(seed: 42) }
    binaryBenchmark("DDM") { DDM() }
    binaryBenchmark("EDDM") { EDDM() }
    binaryBenchmark("HDDM_A") { HDDMA() }
    binaryBenchmark("HDDM_W") { HDDMW() }
    binaryBenchmark("FHDDM") { FHDDM() }
}
