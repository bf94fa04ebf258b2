import ArgumentParser
import DriftCollector
import DriftEngine
import DriftReplay
import DriftwatchAgentCommand
import Foundation

/// `driftwatch backtest`: runs the engine offline on event time over captures, NDJSON or CSV files.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run the monitoring engine offline over recorded traffic and print the alerts it would have raised.",
        discussion: """
            Inputs: capture files (driftwatch record, driftwatch simulate --capture), NDJSON in the agent's \
            JSON-lines schema (.ndjson, .jsonl), and CSV (.csv) with a column mapping (--timestamp-column, \
            --numeric, --categorical, --prediction, --latency-ms, --outcome, --request-id, --label, --metric). \
            --nab reads NAB-style timestamp,value series as the custom metric `value` of a model named after the \
            file. Several files are merged by time. The engine advances on event time after every batch, as the \
            collector does with --clock event; the output depends only on the inputs and the configuration. \
            See docs/backtest.md.
            """
    )

    @Argument(help: "Capture, NDJSON or CSV files.")
    var files: [String]

    @Option(help: "YAML configuration (docs/engine.md); default: the built-in defaults.")
    var config: String?

    @Flag(help: "Print one JSON object per notification, then summary objects, instead of a table.")
    var json = false

    @Option(help: "Model for NDJSON lines without one, and for CSV rows.")
    var model: String?

    @Option(help: "Model version for NDJSON lines without one, and for CSV rows.")
    var modelVersion: String = ""

    @Option(help: "CSV: the timestamp column.")
    var timestampColumn: String = "timestamp"

    @Option(help: "CSV: seconds, milliseconds, nanoseconds or iso8601 (UTC).")
    var timestampFormat: String = "iso8601"

    @Option(help: "CSV: a column holding the model name per row.")
    var modelColumn: String?

    @Option(help: "CSV: numeric feature columns (repeatable or comma-separated).")
    var numeric: [String] = []

    @Option(help: "CSV: categorical feature columns (repeatable or comma-separated).")
    var categorical: [String] = []

    @Option(help: "CSV: the prediction column (a number, else a class label).")
    var prediction: String?

    @Option(help: "CSV: the latency column, in milliseconds.")
    var latencyMs: String?

    @Option(help: "CSV: the outcome column (ok, error or an integer code).")
    var outcome: String?

    @Option(help: "CSV: the request-id column.")
    var requestId: String?

    @Option(help: "CSV: a ground-truth column (joined as a label of the same row).")
    var label: String?

    @Option(help: "CSV: custom-metric columns (repeatable or comma-separated).")
    var metric: [String] = []

    @Flag(
        help: """
            NAB series: each CSV file's `value` column is the custom metric `value` of a model named after the \
            file; custom metrics are enabled, alerts fire without a `for` delay and traffic is not judged.
            """
    )
    var nab = false

    @Option(
        help: ArgumentHelp(
            "The deployment's privacy key, when the configuration hashes request ids (privacy.request_ids: hash).",
            valueName: "file"
        )
    )
    var privacyKey: String?

    func validate() throws {
        guard CSVColumnMapping.TimestampFormat(rawValue: timestampFormat) != nil else {
            throw ValidationError("--timestamp-format must be seconds, milliseconds, nanoseconds or iso8601.")
        }
    }

    func run() throws {
        var resolver = ConfigurationResolver()
        if let config {
            do {
                resolver = try ConfigurationFile.load(path: config)
            } catch {
                throw CommandFailure("invalid configuration:\n\(error)")
            }
        }
        if nab { resolver = Self.nabResolver(resolver) }
        var perFile: [[BacktestInput]] = []
        do {
            for file in files { perFile.append(try read(file)) }
        } catch {
            throw CommandFailure(error.description)
        }
        let privacy: PrivacyFilter
        do {
            privacy = try PrivacyFilter(
                resolver: resolver,
                key: try privacyKey.map { try PrivacyKeyFile.load(path: $0) }
            )
        } catch let error as PrivacyFilter.MissingKey {
            throw CommandFailure("invalid configuration: \(error)")
        }
        // Judge exactly what the collector would keep: its privacy filter runs before its engine too.
        var backtest = Backtest(resolver: resolver, privacy: privacy.isIdentity ? nil : privacy)
        let notifications = backtest.run(BacktestInput.merge(perFile))
        var output = ""
        if json {
            for notification in notifications { output += BacktestReport.jsonLine(notification) + "\n" }
            for line in BacktestReport.summaryJSONLines(backtest, notifications) { output += line + "\n" }
        } else {
            output += BacktestReport.tableHeader + "\n"
            for notification in notifications { output += BacktestReport.tableLine(notification) + "\n" }
            output += "\n"
            for line in BacktestReport.summaryLines(backtest, notifications) { output += line + "\n" }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    /// The configuration `--nab` runs with: custom metrics on (detector defaults), no `for` delay, no traffic rule.
    static func nabResolver(_ base: ConfigurationResolver) -> ConfigurationResolver {
        var resolver = base
        resolver.defaults.customMetrics.enabled = true
        resolver.defaults.lifecycle.forNanoseconds = 0
        resolver.defaults.traffic.enabled = false
        return resolver
    }

    private func read(_ file: String) throws(ReplayError) -> [BacktestInput] {
        let head = FileHandle(forReadingAtPath: file).flatMap { try? $0.read(upToCount: 8) } ?? Data()
        if CaptureReader.isCapture(head) { return BacktestInput.from(try CaptureReader(path: file)) }
        let lower = file.lowercased()
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") {
            return try NDJSONEventReader.read(path: file, defaultModel: model, defaultVersion: modelVersion)
        }
        if lower.hasSuffix(".csv") { return try CSVEventReader.read(path: file, mapping: mapping(for: file)) }
        throw ReplayError(.invalidInput, "\(file): not a capture, and not named .ndjson, .jsonl or .csv")
    }

    private func mapping(for file: String) -> CSVColumnMapping {
        let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        if nab { return .nab(model: model ?? stem) }
        func split(_ values: [String]) -> [String] {
            values.flatMap { $0.split(separator: ",").map { String($0) } }
        }
        var mapping = CSVColumnMapping()
        mapping.timestamp = timestampColumn
        mapping.timestampFormat = CSVColumnMapping.TimestampFormat(rawValue: timestampFormat) ?? .iso8601
        mapping.model = model ?? stem
        mapping.modelColumn = modelColumn
        mapping.modelVersion = modelVersion
        mapping.numericFeatures = split(numeric)
        mapping.categoricalFeatures = split(categorical)
        mapping.prediction = prediction
        mapping.latencyMilliseconds = latencyMs
        mapping.outcome = outcome
        mapping.requestID = requestId
        mapping.label = label
        mapping.metrics = split(metric)
        return mapping
    }
}
