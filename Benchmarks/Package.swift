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
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Benchmark targets are added below, one per area: Benchmarks/<Name>/<Name>.swift.
    ]
)
