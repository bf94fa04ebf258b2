import ArgumentParser
import DriftCollector
import DriftwatchAgentCommand
import Foundation

/// `driftwatch triggers list`: the retraining triggers of a running collector and their delivery states.
struct TriggersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triggers",
        abstract: "Inspect the retraining triggers of a running collector.",
        subcommands: [List.self],
        defaultSubcommand: List.self
    )

    /// `driftwatch triggers list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List retraining triggers, newest first, with their delivery state per sink.",
            discussion: """
                States: pending (written, not yet attempted), delivering (an attempt is in progress), retrying (an \
                attempt failed; the next is scheduled with backoff), delivered (every sink acknowledged), \
                undeliverable (no sink configured). Reads GET /api/v1/triggers.
                """
        )

        @Option(help: "Only this model.")
        var model: String?

        @Option(help: "Only this state: pending, delivering, retrying, delivered or undeliverable.")
        var state: String?

        @Option(help: "The collector's HTTP address: HOST:PORT, or a base URL such as https://collector:7780.")
        var http: String = "127.0.0.1:7780"

        @Option(
            help: ArgumentHelp(
                "PEM CA certificates to trust for an https:// collector (default: DRIFTWATCH_CA_FILE, else the system's).",
                valueName: "file"
            )
        )
        var caFile: String?

        @Flag(help: "Print the collector's JSON answer.")
        var json = false

        func validate() throws {
            if let state, TriggerRecord.State(rawValue: state) == nil {
                throw ValidationError("--state must be pending, delivering, retrying, delivered or undeliverable.")
            }
        }

        func run() async throws {
            var components = URLComponents()
            components.path = "/api/v1/triggers"
            var query: [URLQueryItem] = []
            if let model { query.append(URLQueryItem(name: "model", value: model)) }
            if let state { query.append(URLQueryItem(name: "state", value: state)) }
            components.queryItems = query.isEmpty ? nil : query
            let (status, data) = try await CollectorAPIClient(address: http, caFile: caFile).send(
                "GET",
                components.string ?? "/"
            )
            guard status == 200 else {
                throw CommandFailure("the collector answered HTTP \(status): \(CollectorAPIClient.errorMessage(data))")
            }
            if json {
                print(String(decoding: data, as: UTF8.self))
                return
            }
            struct Answer: Decodable { let triggers: [TriggerRecord] }
            let records = try JSONDecoder().decode(Answer.self, from: data).triggers
            if records.isEmpty {
                print("no triggers")
                return
            }
            for record in records {
                let sinks = record.deliveries.map { delivery in
                    var text = "\(delivery.sink) \(delivery.state.rawValue) after \(delivery.attempts) attempt(s)"
                    if let error = delivery.lastError, delivery.state != .delivered { text += " (\(error))" }
                    return text
                }
                print(
                    "\(record.id)  \(record.state.rawValue)  \(record.modelName)  "
                        + "\(record.source): \(record.reason)"
                )
                for sink in sinks { print("    \(sink)") }
            }
        }
    }
}
