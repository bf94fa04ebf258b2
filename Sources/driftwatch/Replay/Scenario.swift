import DriftReplay

/// One backtest scenario of `testdata/`: simulated traffic (one or more runs, one capture file each) and its
/// ground truth. The catalogue is the single source of both, so regenerating gives the same files.
struct Scenario {
    /// One simulation run.
    struct Run {
        var file: String
        var modelVersion: String
        var seed: UInt64
        var startOffset: Double
        var duration: Double
        var incidents: [String]
    }

    /// One incident's truth, times in seconds from the scenario's start.
    struct Truth {
        var name: String
        var start: Double
        var end: Double
        var expected: [ScenarioTruth.AlertSpec]
        var allowed: [ScenarioTruth.AlertSpec]
        var maxDelay: Double
    }

    var name: String
    var description: String
    var runs: [Run]
    var truths: [Truth]

    /// Event time of every scenario's start: 2024-05-01T00:00:00Z.
    static let startTime: Int64 = 1_714_521_600_000_000_000
    /// Requests per second.
    static let rate = 10.0
    /// The simulated model.
    static let model = "fraud-detector"

    private static func spec(_ kind: String, feature: String? = nil, version: String = "v1") -> ScenarioTruth.AlertSpec
    {
        ScenarioTruth.AlertSpec(model: model, version: version, kind: kind, feature: feature)
    }

    private static func single(
        _ name: String,
        _ description: String,
        seed: UInt64,
        incidents: [String],
        truths: [Truth]
    ) -> Scenario {
        Scenario(
            name: name,
            description: description,
            runs: [
                Run(
                    file: "\(name).dwcap",
                    modelVersion: "v1",
                    seed: seed,
                    startOffset: 0,
                    duration: 600,
                    incidents: incidents
                )
            ],
            truths: truths
        )
    }

    /// Every scenario, in a fixed order.
    static let catalogue: [Scenario] = [
        single(
            "stationary",
            "Ten minutes of undisturbed traffic: no alert may fire.",
            seed: 101,
            incidents: [],
            truths: []
        ),
        single(
            "feature_drift_sudden",
            "amount shifts by 3 standard deviations at once for 200 s.",
            seed: 102,
            incidents: ["feature_drift@300+200:amount*3"],
            truths: [
                Truth(
                    name: "feature_drift@300+200:amount*3",
                    start: 300,
                    end: 500,
                    expected: [spec("data_drift", feature: "amount")],
                    allowed: [spec("data_drift"), spec("prediction_drift")],
                    maxDelay: 60
                )
            ]
        ),
        single(
            "feature_drift_gradual",
            "amount drifts in four steps of 0.5 standard deviations, 50 s apart, to 2 standard deviations.",
            seed: 103,
            incidents: [
                "feature_drift@300+250:amount*0.5", "feature_drift@350+200:amount*0.5",
                "feature_drift@400+150:amount*0.5", "feature_drift@450+100:amount*0.5",
            ],
            truths: [
                Truth(
                    name: "feature_drift gradual to 2 sd",
                    start: 300,
                    end: 550,
                    expected: [spec("data_drift", feature: "amount")],
                    allowed: [spec("data_drift"), spec("prediction_drift")],
                    maxDelay: 150
                )
            ]
        ),
        single(
            "prediction_drift",
            "The model's score shifts by 1.5 logits for 200 s while its features do not.",
            seed: 104,
            incidents: ["prediction_drift@300+200*1.5"],
            truths: [
                Truth(
                    name: "prediction_drift@300+200*1.5",
                    start: 300,
                    end: 500,
                    expected: [spec("prediction_drift")],
                    allowed: [spec("accuracy_drop")],
                    maxDelay: 150
                )
            ]
        ),
        single(
            "error_spike",
            "20 % of requests fail for 200 s (0.5 % before).",
            seed: 105,
            incidents: ["error_spike@300+200*0.2"],
            truths: [
                Truth(
                    name: "error_spike@300+200*0.2",
                    start: 300,
                    end: 500,
                    expected: [spec("error_rate")],
                    allowed: [spec("prediction_drift"), spec("accuracy_drop")],
                    maxDelay: 60
                )
            ]
        ),
        single(
            "latency_spike",
            "Latency triples for 200 s.",
            seed: 106,
            incidents: ["latency_spike@300+200*3"],
            truths: [
                Truth(
                    name: "latency_spike@300+200*3",
                    start: 300,
                    end: 500,
                    expected: [spec("latency")],
                    allowed: [],
                    maxDelay: 60
                )
            ]
        ),
        single(
            "traffic_drop",
            "The request rate falls to 10 % for 200 s.",
            seed: 107,
            incidents: ["traffic_drop@300+200*0.1"],
            truths: [
                Truth(
                    name: "traffic_drop@300+200*0.1",
                    start: 300,
                    end: 500,
                    expected: [spec("traffic")],
                    allowed: [],
                    maxDelay: 90
                )
            ]
        ),
        single(
            "accuracy_drop",
            "Ground truth disagrees with 40 % of predictions (10 % before) for 200 s.",
            seed: 108,
            incidents: ["accuracy_drop@300+200*0.4"],
            truths: [
                Truth(
                    name: "accuracy_drop@300+200*0.4",
                    start: 300,
                    end: 500,
                    expected: [spec("accuracy_drop")],
                    allowed: [],
                    maxDelay: 90
                )
            ]
        ),
        Scenario(
            name: "new_version",
            description: """
                Version v1 serves for 300 s, then v2 takes over (same traffic): v1's traffic stops (a traffic \
                alert for v1) and v2 builds its own reference (no alert for v2).
                """,
            runs: [
                Run(
                    file: "new_version-v1.dwcap",
                    modelVersion: "v1",
                    seed: 109,
                    startOffset: 0,
                    duration: 300,
                    incidents: []
                ),
                Run(
                    file: "new_version-v2.dwcap",
                    modelVersion: "v2",
                    seed: 110,
                    startOffset: 300,
                    duration: 300,
                    incidents: []
                ),
            ],
            truths: [
                Truth(
                    name: "v1 replaced by v2 at 300 s",
                    start: 300,
                    end: 600,
                    expected: [spec("traffic")],
                    allowed: [],
                    maxDelay: 120
                )
            ]
        ),
    ]
}
