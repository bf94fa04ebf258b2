// swift-tools-version: 6.1
// driftwatch fuzz targets (libFuzzer). A separate package so that `swift build` and `swift test` at the top level
// never build with sanitizers. Build and run with `Fuzz/run.sh TARGET MINUTES` (see docs/reliability.md); each
// executable is a libFuzzer binary built with `swift build --sanitize=fuzzer --sanitize=address`.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

let package = Package(
    name: "driftwatch-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency is otherwise known by its folder name, which differs between clones.
        .package(name: "driftwatch", path: ".."),
        // The same versions the root package resolves: the collector decodes YAML with Yams, `driftwatch baseline`
        // reads CSV with SwiftCSV.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
    ],
    targets: [
        // The v1 wire decoder (event batches, label batches, acknowledgements) and its re-encoding round trip.
        .executableTarget(
            name: "FuzzWireMessage",
            dependencies: [.product(name: "DriftProtocol", package: "driftwatch")],
            swiftSettings: swiftSettings
        ),
        // The agent's JSON parser and its JSON-lines event and label decoder.
        .executableTarget(
            name: "FuzzJSONIngest",
            dependencies: [.product(name: "DriftAgent", package: "driftwatch")],
            swiftSettings: swiftSettings
        ),
        // The engine configuration decoded from YAML with Yams, validated, resolved and used to start a monitor.
        .executableTarget(
            name: "FuzzConfiguration",
            dependencies: [
                .product(name: "DriftEngine", package: "driftwatch"),
                .product(name: "DriftProtocol", package: "driftwatch"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // CSV input: the backtest's own reader (DriftReplay) and SwiftCSV called the way `driftwatch baseline` reads
        // training data.
        .executableTarget(
            name: "FuzzCSV",
            dependencies: [
                .product(name: "DriftReplay", package: "driftwatch"),
                .product(name: "DriftProtocol", package: "driftwatch"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
