import ArgumentParser
import DriftCollector
import DriftwatchAgentCommand
import Foundation

/// `driftwatch trigger MODEL --reason TEXT`: asks a running collector for a manual retraining trigger.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Create a manual retraining trigger for a model on a running collector.",
        discussion: """
            The collector writes the trigger to its durable outbox (POST /api/v1/triggers) and delivers it like a \
            policy trigger to every trigger sink, with the evidence of the model's firing alerts and its \
            per-feature statistics. A manual trigger ignores the policy's cooldown and daily limit but starts a \
            cooldown. Prints the trigger id; with --id, asking again with the same id creates nothing new \
            (idempotent). See docs/triggers.md.
            """
    )

    @Argument(help: "The model name.")
    var model: String

    @Option(help: "Why retraining is asked for (one sentence, sent as the trigger's reason).")
    var reason: String

    @Option(help: "The model version; needed when the collector has seen several versions of the model.")
    var version: String?

    @Option(help: ArgumentHelp("Trigger id to use (idempotency key); default a fresh one.", valueName: "id"))
    var id: String?

    @Option(help: "The collector's HTTP address: HOST:PORT, or a base URL such as https://collector:7780.")
    var http: String = "127.0.0.1:7780"

    @Option(
        help: ArgumentHelp(
            "PEM CA certificates to trust for an https:// collector (default: DRIFTWATCH_CA_FILE, else the system's).",
            valueName: "file"
        )
    )
    var caFile: String?

    @Flag(help: "Print the collector's JSON answer instead of a summary.")
    var json = false

    func validate() throws {
        guard !model.isEmpty else { throw ValidationError("MODEL must not be empty.") }
        guard !reason.isEmpty, reason.utf8.count <= 1000 else {
            throw ValidationError("--reason must be 1–1000 bytes.")
        }
    }

    func run() async throws {
        var body = ["model": model, "reason": reason]
        body["version"] = version
        body["trigger_id"] = id
        let (status, data) = try await CollectorAPIClient(address: http, caFile: caFile).send(
            "POST",
            "/api/v1/triggers",
            json: body
        )
        guard (200..<300).contains(status) else {
            throw CommandFailure(
                "the collector refused the trigger (HTTP \(status)): \(CollectorAPIClient.errorMessage(data))"
            )
        }
        if json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let record = try JSONDecoder().decode(TriggerRecord.self, from: data)
        print("trigger \(record.id) for \(record.modelName): \(record.state.rawValue)")
    }
}
