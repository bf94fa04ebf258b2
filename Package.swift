// swift-tools-version: 6.1
// driftwatch: streaming drift and anomaly detection for machine-learning models in production.
//
// Dependencies point one way (docs/architecture in README): DriftStatistics and DriftProtocol import
// nothing that does I/O; ZeroMQ wraps libzmq; the executable ties them together. Heavy server
// dependencies are added only to the targets that need them.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

let package = Package(
    name: "driftwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "driftwatch", targets: ["driftwatch"]),
        .executable(name: "driftwatch-agent", targets: ["driftwatch-agent"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "DriftProtocol", targets: ["DriftProtocol"]),
        .library(name: "DriftStatistics", targets: ["DriftStatistics"]),
        .library(name: "DriftEngine", targets: ["DriftEngine"]),
        .library(name: "DriftAgent", targets: ["DriftAgent"]),
        .library(name: "DriftReplay", targets: ["DriftReplay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(
            name: "ZeroMQ",
            dependencies: ["CZeroMQ"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DriftProtocol",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DriftStatistics",
            dependencies: [
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "Collections", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DriftEngine",
            // Crypto only for the keyed request-id hash of the privacy options (HMAC-SHA256).
            dependencies: ["DriftStatistics", "DriftProtocol", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // What the collector's and the agent's HTTP servers share: the bearer-token rule and TLS from PEM files
        // (swift-nio-ssl). Framework-free, so the agent does not carry Hummingbird.
        .target(
            name: "DriftHTTPSecurity",
            dependencies: [
                .product(name: "NIOSSL", package: "swift-nio-ssl")
            ],
            swiftSettings: swiftSettings
        ),
        // The collector service: the only target with the server dependencies (NIO via Hummingbird, GRDB, Yams).
        .target(
            name: "DriftCollector",
            dependencies: [
                "ZeroMQ",
                "DriftProtocol",
                "DriftEngine",
                "DriftHTTPSecurity",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The agent's core and the in-process library for Swift model servers: batching, the on-disk spool and
        // acknowledged delivery. Light on purpose (no NIO), so a model server that links it pays for little.
        .target(
            name: "DriftAgent",
            dependencies: [
                "ZeroMQ",
                "DriftProtocol",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The agent's HTTP side, on SwiftNIO alone: the reverse proxy in front of a model server, payload
        // extraction, and the agent's own /metrics, /healthz and /labels.
        .target(
            name: "DriftAgentHTTP",
            dependencies: [
                "DriftAgent",
                "DriftProtocol",
                "DriftHTTPSecurity",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Record, replay and backtest: the capture file format, offline inputs (NDJSON, CSV, NAB) and the backtest
        // driver that feeds the engine on event time exactly as the collector does; scoring against ground truth.
        .target(
            name: "DriftReplay",
            dependencies: ["DriftProtocol", "DriftEngine", "DriftAgent"],
            swiftSettings: swiftSettings
        ),
        // `driftwatch agent` as a library, so that the agent-only executable below can carry it without the
        // collector's code (the engine, SQLite, the HTTP client): a sidecar's resident memory is mostly its image.
        .target(
            name: "DriftwatchAgentCommand",
            dependencies: [
                "ZeroMQ",
                "DriftProtocol",
                "DriftAgent",
                "DriftAgentHTTP",
                "DriftHTTPSecurity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // `driftwatch-agent`: the same agent command as `driftwatch agent`, alone in its executable.
        .executableTarget(
            name: "driftwatch-agent",
            dependencies: [
                "DriftwatchAgentCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "driftwatch",
            dependencies: [
                "DriftwatchAgentCommand",
                "ZeroMQ",
                "DriftProtocol",
                "DriftEngine",
                "DriftCollector",
                "DriftAgent",
                "DriftAgentHTTP",
                "DriftHTTPSecurity",
                "DriftReplay",
                "DriftStatistics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers shared by test targets: locating the built executable, running processes with a deadline.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftwatchCLITests",
            dependencies: ["driftwatch", "TestSupport", "ZeroMQ", "DriftProtocol", "DriftEngine"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftCollectorTests",
            dependencies: ["DriftCollector", "DriftEngine", "DriftProtocol", "ZeroMQ", "TestSupport", "driftwatch"],
            resources: [.copy("Python")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftAgentTests",
            dependencies: [
                "DriftAgent", "DriftAgentHTTP", "DriftProtocol", "ZeroMQ", "TestSupport", "driftwatch",
                "driftwatch-agent",
            ],
            resources: [.copy("Python")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftReplayTests",
            dependencies: [
                "DriftReplay", "DriftEngine", "DriftProtocol", "DriftStatistics", "ZeroMQ", "TestSupport", "driftwatch",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ZeroMQTests",
            dependencies: ["ZeroMQ"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftProtocolTests",
            dependencies: ["DriftProtocol"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftStatisticsTests",
            dependencies: ["DriftStatistics"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftEngineTests",
            dependencies: ["DriftEngine"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: ["ZeroMQ", "DriftProtocol", "TestSupport"],
            resources: [.copy("Python")],
            swiftSettings: swiftSettings
        ),
    ]
)
