import ArgumentParser
import DriftProtocol
import Foundation
import ZeroMQ

/// `driftwatch simulate`: a synthetic fraud model that sends realistic traffic, with scheduled seeded incidents,
/// to a collector exactly as an agent would.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Send synthetic model traffic with scheduled incidents to a collector, like an agent.",
        discussion: """
            A fraud-detection model: 8 numeric features (amount, account_age_days, tx_per_hour, distance_km, \
            merchant_risk, hour_of_day, card_age_days, velocity_score) and 2 categorical (country, device), \
            predictions {fraud, legit} from a logistic score, ~90 % accurate delayed labels, lognormal latency \
            around 20 ms and 0.5 % errors (code 500). Batches go over a DEALER socket with sequence numbers and \
            are resent until the collector acknowledges them (docs/protocol.md).

            Incidents (--incident, repeatable): KIND@START+LENGTH[:TARGET][*MAGNITUDE],
            START and LENGTH in seconds of event time from the start of the run:
              feature_drift     TARGET (a feature, default amount) shifts by MAGNITUDE
                                std (default 2); categorical: rarest value ×(1+MAGNITUDE)
              prediction_drift  MAGNITUDE is added to the model's logit (default 1.5)
              error_spike       the error rate becomes MAGNITUDE, 0–1 (default 0.2)
              latency_spike     latency is multiplied by MAGNITUDE (default 3)
              traffic_drop      the request rate is scaled by MAGNITUDE, 0–1 (default 0.1)
              accuracy_drop     labels disagree at rate MAGNITUDE (default 0.4)
            e.g. --incident feature_drift@20+30:amount*3 --incident error_spike@60+20*0.3

            With --fast nothing sleeps: event time is synthetic, starting at --start-time, and the same seed and \
            flags give byte-identical batches. Progress goes to standard error every 5 s; Ctrl-C stops with a \
            summary. At the end it waits for acknowledgements while they keep coming (giving up after 5 s without \
            one): exit status 0 when every batch was acknowledged, 1 otherwise.
            See docs/simulate.md.
            """
    )

    @Option(help: ArgumentHelp("Collector agent-ingest endpoint (ROUTER) to connect to.", valueName: "endpoint"))
    var to: String = "tcp://127.0.0.1:7701"

    @Option(help: "Model name (with --models N: the prefix of NAME-000, NAME-001, …).")
    var model: String = "fraud-detector"

    @Option(help: "Model version sent in every batch.")
    var modelVersion: String = "v1"

    @Option(help: "Number of models to simulate, each with its own traffic at --rate (for scale tests).")
    var models: Int = 1

    @Option(help: ArgumentHelp("Requests per second per model, before incidents.", valueName: "events-per-second"))
    var rate: Double = 500

    @Option(help: ArgumentHelp("Event-time seconds to run; 0 runs until Ctrl-C.", valueName: "seconds"))
    var duration: Double = 60

    @Option(help: "Seed of the traffic and incidents: the same seed gives the same traffic.")
    var seed: UInt64 = 1

    @Option(help: "Events (or labels) per batch.")
    var batchSize: Int = 64

    @Option(help: ArgumentHelp("Send a partial batch once its first element is this old.", valueName: "ms"))
    var batchInterval: Double = 100

    @Option(
        name: .customLong("incident"),
        help: ArgumentHelp(
            "Scheduled incident, repeatable: KIND@START+LENGTH[:TARGET][*MAGNITUDE] (see above).",
            valueName: "spec"
        )
    )
    var incidentSpecs: [String] = []

    @Option(help: ArgumentHelp("Share of requests that get a delayed ground-truth label.", valueName: "fraction"))
    var labelFraction: Double = 0.5

    @Option(help: ArgumentHelp("Seconds between a request and its label.", valueName: "seconds"))
    var labelDelay: Double = 5

    @Option(name: .customLong("agent-id"), help: "Agent id (DEALER routing id); default simulate-<pid>.")
    var agentID: String?

    @Flag(help: "Do not sleep: generate event time synthetically, as fast as possible (backtests, benchmarks).")
    var fast = false

    @Option(
        help: ArgumentHelp(
            "Write the batches to this capture file (docs/capture.md) instead of sending them; implies --fast.",
            valueName: "file"
        )
    )
    var capture: String?

    @Option(
        help: ArgumentHelp(
            "Event time of the start: RFC 3339 (2024-05-01T12:00:00Z) or seconds since the epoch; default now.",
            valueName: "time"
        )
    )
    var startTime: String?

    func validate() throws {
        guard !model.isEmpty, model.utf8.count <= 1000 else { throw ValidationError("--model must be 1–1000 bytes.") }
        guard modelVersion.utf8.count <= 1024 else { throw ValidationError("--model-version is too long.") }
        guard (1...100_000).contains(models) else { throw ValidationError("--models must be from 1 to 100000.") }
        guard rate > 0, rate <= 10_000_000 else { throw ValidationError("--rate must be above 0 and at most 1e7.") }
        guard duration >= 0, duration <= 1e9 else { throw ValidationError("--duration must be ≥ 0 seconds.") }
        guard (1...65_536).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 65536.") }
        guard batchInterval > 0, batchInterval <= 3_600_000 else {
            throw ValidationError("--batch-interval must be above 0 ms and at most one hour.")
        }
        guard (0...1).contains(labelFraction) else { throw ValidationError("--label-fraction must be from 0 to 1.") }
        guard labelDelay >= 0, labelDelay <= 1e7 else { throw ValidationError("--label-delay must be ≥ 0 seconds.") }
        if let agentID, agentID.isEmpty || agentID.utf8.count > 255 {
            throw ValidationError("--agent-id must be 1–255 bytes (it is the ZeroMQ routing id).")
        }
        _ = try incidents()
        _ = try startTimeNanoseconds()
    }

    /// The parsed `--incident` specs.
    func incidents() throws -> [Incident] {
        try incidentSpecs.map { try Incident(parsing: $0, features: FraudTrafficModel.featureNames) }
    }

    /// `--start-time` in nanoseconds since the epoch, or now.
    func startTimeNanoseconds() throws -> Int64 {
        guard let startTime else { return Int64(Date().timeIntervalSince1970 * 1e9) }
        if let seconds = Double(startTime), seconds.isFinite, seconds.magnitude < 9e9 {
            return Int64((seconds * 1e9).rounded())
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: startTime) ?? plain.date(from: startTime) else {
            throw ValidationError(
                "--start-time '\(startTime)' is neither RFC 3339 (2024-05-01T12:00:00Z) nor seconds since the epoch."
            )
        }
        return Int64((date.timeIntervalSince1970 * 1e9).rounded())
    }

    func run() throws {
        let agentID = self.agentID ?? "simulate-\(getpid())"
        let names =
            models == 1 ? [model] : (0..<models).map { "\(model)-\(String(format: "%03d", $0))" }
        let configuration = SimulationConfiguration(
            endpoint: to,
            modelNames: names,
            modelVersion: modelVersion,
            rate: rate,
            duration: duration == 0 ? nil : Int64((duration * 1e9).rounded()),
            seed: seed,
            batchSize: batchSize,
            batchInterval: Int64((batchInterval * 1e6).rounded()),
            incidents: try incidents(),
            labelFraction: labelFraction,
            labelDelay: Int64((labelDelay * 1e9).rounded()),
            agentID: agentID,
            fast: fast || capture != nil,
            startTime: try startTimeNanoseconds()
        )
        let stop = StopSignal()
        let context = try ZeroMQContext()
        let sender: any BatchSink =
            if let capture {
                CaptureSink(path: capture)
            } else {
                try AcknowledgedSender(
                    context: context,
                    endpoint: to,
                    agentID: agentID,
                    capacity: configuration.windowCapacity,
                    resendAfter: configuration.resendAfter
                )
            }
        let modelText = names.count == 1 ? names[0] : "\(names.count) models (\(names[0])…)"
        printError(
            "simulate: agent \(agentID) sending \(modelText)@\(modelVersion) at \(rate) requests/s to \(capture ?? to)"
                + (configuration.fast ? " (fast)" : "") + ", seed \(seed)"
        )
        for incident in configuration.incidents { printError("simulate: incident \(incident)") }
        let simulation = try TrafficSimulation(configuration: configuration, sender: sender, stop: stop)
        let summary = try simulation.run()
        for line in summary.lines { printError(line) }
        if !summary.allAcknowledged { throw ExitCode(1) }
    }
}
