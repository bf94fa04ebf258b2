import ArgumentParser
import DriftCollector
import DriftEngine
import DriftProtocol
import DriftwatchAgentCommand
import Foundation

/// `driftwatch baseline`: makes a compact reference from training data, for `reference: {policy: baseline_file}`.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Make a compact drift reference (baseline) from training data in CSV or NDJSON.",
        discussion: """
            Reads a CSV file with a header row, or NDJSON (one flat JSON object per line), and writes a baseline \
            JSON file: per numeric feature a sorted sample (at most --sample-size values), summary statistics and \
            equal-frequency bin edges; per categorical feature its frequencies; the same for the prediction column. \
            Point a model at it in the collector configuration:
              models:
                fraud-detector:
                  reference: {policy: baseline_file, path: baselines/fraud-detector.json}
            Column kinds: a column whose every non-empty value is a number is numeric, any other is categorical; \
            --numeric and --categorical override that. Empty cells (CSV) and null (NDJSON) are missing values. \
            Feature names must match those the agent sends.
            """
    )

    @Argument(help: "The training data: a .csv or .ndjson/.jsonl file.")
    var input: String

    @Option(name: [.short, .long], help: "Where to write the baseline JSON.")
    var output: String

    @Option(help: "Input format: csv or ndjson (default: from the file extension).")
    var format: TableFormat?

    @Option(help: "The column holding the model's prediction (number or class label), if any.")
    var prediction: String?

    @Option(help: "The column holding latency in microseconds, if any.")
    var latency: String?

    @Option(parsing: .upToNextOption, help: "Columns to ignore (ids, timestamps, ground truth).")
    var ignore: [String] = []

    @Option(parsing: .upToNextOption, help: "Columns to treat as numeric whatever they hold.")
    var numeric: [String] = []

    @Option(parsing: .upToNextOption, help: "Columns to treat as categorical whatever they hold.")
    var categorical: [String] = []

    @Option(help: "Largest sorted sample kept per numeric feature.")
    var sampleSize: Int = 1000

    @Option(help: "Equal-frequency bins per numeric feature.")
    var bins: Int = 10

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func validate() throws {
        guard sampleSize >= 10 else { throw ValidationError("--sample-size must be at least 10.") }
        guard (2...100).contains(bins) else { throw ValidationError("--bins must be between 2 and 100.") }
        let both = Set(numeric).intersection(categorical)
        guard both.isEmpty else {
            throw ValidationError(
                "Columns cannot be both numeric and categorical: \(both.sorted().joined(separator: ", "))."
            )
        }
    }

    func run() throws {
        let url = URL(fileURLWithPath: input)
        let kind = format ?? TableFormat(inferringFrom: url)
        guard let kind else {
            throw CommandFailure("Cannot tell the format of \(input) from its extension; pass --format csv or ndjson.")
        }
        let table = try TrainingTable.read(url, format: kind)
        let plan = try BaselinePlan(
            table: table,
            prediction: prediction,
            latency: latency,
            ignored: Set(ignore),
            forcedNumeric: Set(numeric),
            forcedCategorical: Set(categorical)
        )
        var builder = BaselineBuilder(sampleSize: sampleSize, bins: bins)
        for row in table.rows {
            builder.add(plan.event(for: row), numericNames: plan.numericNames, categoricalNames: plan.categoricalNames)
        }
        let baseline = builder.build()
        if !force && FileManager.default.fileExists(atPath: output) {
            throw CommandFailure("\(output) already exists; pass --force to replace it.")
        }
        // The collector reads baseline files with the same coder (`reference: {policy: baseline_file}`).
        let encoder = CheckpointCoding.encoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(baseline).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CommandFailure("Could not write \(output): \(error.localizedDescription)")
        }
        print(
            "Wrote \(output): \(table.rows.count) rows, numeric [\(plan.numericNames.joined(separator: ", "))], "
                + "categorical [\(plan.categoricalNames.joined(separator: ", "))]"
                + (prediction.map { ", prediction \($0)" } ?? "")
        )
    }
}

/// The input formats `driftwatch baseline` reads.
enum TableFormat: String, ExpressibleByArgument, CaseIterable {
    case csv
    case ndjson

    init?(inferringFrom url: URL) {
        switch url.pathExtension.lowercased() {
        case "csv": self = .csv
        case "ndjson", "jsonl": self = .ndjson
        default: return nil
        }
    }
}
