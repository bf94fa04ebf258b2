// swift-tools-version: 6.1
// driftwatch benchmarks. A separate package so that `swift build` and `swift test` at the top level never
// build the benchmark harness. Run from this folder: `swift package benchmark` (see docs/performance.md).
import PackageDescription

let benchmarkDependencies: [Target.Dependency] = [
    .product(name: "Benchmark", package: "benchmark")
]
let benchmarkPlugins: [Target.PluginUsage] = [
    .plugin(name: "BenchmarkPlugin", package: "benchmark")
]

let package = Package(
    name: "driftwatch-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency is otherwise known by its folder name, which differs between clones.
        .package(name: "driftwatch", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Benchmark targets are added below, one per area: Benchmarks/<Name>/<Name>.swift.
        .executableTarget(
            name: "StatisticsBenchmarks",
            dependencies: benchmarkDependencies + [.product(name: "DriftStatistics", package: "driftwatch")],
            path: "Benchmarks/StatisticsBenchmarks",
            plugins: benchmarkPlugins
        ),
        // Runs the anomaly detector over a NAB tree and writes alarms for NAB's scorer (docs/anomaly-detection.md).
        .executableTarget(
            name: "NABEvaluation",
            dependencies: [.product(name: "DriftStatistics", package: "driftwatch")],
            path: "Benchmarks/NABEvaluation"
        ),
        // Backtest throughput against decode-only speed of the same capture file (docs/backtest.md).
        .executableTarget(
            name: "BacktestThroughput",
            dependencies: [
                .product(name: "DriftReplay", package: "driftwatch"),
                .product(name: "DriftEngine", package: "driftwatch"),
                .product(name: "DriftProtocol", package: "driftwatch"),
            ],
            path: "Benchmarks/BacktestThroughput"
        ),
        // The EngineBenchmarks workload as a plain executable, for perf and callgrind (docs/performance.md).
        .executableTarget(
            name: "EngineProfile",
            dependencies: [
                .product(name: "DriftEngine", package: "driftwatch"),
                .product(name: "DriftProtocol", package: "driftwatch"),
            ],
            path: "Benchmarks/EngineProfile"
        ),
        .executableTarget(
            name: "DetectorBenchmarks",
            dependencies: benchmarkDependencies + [.product(name: "DriftStatistics", package: "driftwatch")],
            path: "Benchmarks/DetectorBenchmarks",
            plugins: benchmarkPlugins
        ),
        .executableTarget(
            name: "ProtocolBenchmarks",
            dependencies: benchmarkDependencies + [.product(name: "DriftProtocol", package: "driftwatch")],
            path: "Benchmarks/ProtocolBenchmarks",
            plugins: benchmarkPlugins
        ),
        // The raw-libzmq baseline in C, measured in the same run as the Swift wrapper.
        .target(
            name: "ZeroMQBaseline",
            path: "Sources/ZeroMQBaseline",
            linkerSettings: [.linkedLibrary("zmq"), .linkedLibrary("pthread")]
        ),
        .executableTarget(
            name: "ZeroMQBenchmarks",
            dependencies: benchmarkDependencies + [
                "ZeroMQBaseline",
                .product(name: "ZeroMQ", package: "driftwatch"),
                .product(name: "DriftProtocol", package: "driftwatch"),
            ],
            path: "Benchmarks/ZeroMQBenchmarks",
            plugins: benchmarkPlugins
        ),
        // Collector ingest and evaluation (decode + MonitorEngine), in memory and over ZeroMQ tcp next to raw libzmq.
        .executableTarget(
            name: "AgentBenchmarks",
            dependencies: benchmarkDependencies + [
                .product(name: "DriftAgent", package: "driftwatch"),
                .product(name: "DriftProtocol", package: "driftwatch"),
            ],
            path: "Benchmarks/AgentBenchmarks",
            plugins: benchmarkPlugins
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: benchmarkDependencies + [
                "ZeroMQBaseline",
                .product(name: "ZeroMQ", package: "driftwatch"),
                .product(name: "DriftProtocol", package: "driftwatch"),
                .product(name: "DriftEngine", package: "driftwatch"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: benchmarkPlugins
        ),
    ]
)
