import ArgumentParser
import DriftProtocol
import DriftReplay
import DriftwatchAgentCommand
import Foundation
import ZeroMQ

/// `driftwatch replay`: sends captured batches to a live collector like an agent, keeping scaled inter-arrival
/// times.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay capture files into a live collector, at recorded speed or faster.",
        discussion: """
            Each captured message is sent verbatim (agent ids and sequence numbers included) over a DEALER, like an \
            agent (docs/protocol.md): unacknowledged batches are resent after 2 s, at most --window are \
            outstanding. Messages keep their recorded inter-arrival times divided by --speed (1x, 10x, any Nx, or \
            max for no waiting). Run the collector with --clock event so that it judges the recorded event time, \
            as driftwatch backtest does; a collector that already stored these (agent, sequence) pairs skips them \
            as duplicates. Progress goes to standard error every second; Ctrl-C stops sending, waits briefly for \
            acknowledgements and prints the summary. Exit status 0 when every sent batch was acknowledged. \
            See docs/capture.md.
            """
    )

    @Argument(help: "Capture files, merged by arrival time.")
    var files: [String]

    @Option(help: "The collector's ingest (ROUTER) endpoint.")
    var to: String = "tcp://127.0.0.1:7701"

    @Option(help: "1x (recorded pace), 10x, any Nx, or max.")
    var speed: String = "1x"

    @Option(help: "Most batches outstanding without an acknowledgement.")
    var window: Int = 1024

    @Option(
        help: """
            At the end, seconds to keep waiting for acknowledgements once they stop advancing (a collector still \
            working through its queue is waited for).
            """
    )
    var drainTimeout: Double = 10

    func validate() throws {
        guard parsedSpeed() != nil else { throw ValidationError("--speed must be 1x, 10x, another Nx (N > 0) or max.") }
        guard window >= 1 else { throw ValidationError("--window must be at least 1.") }
    }

    /// The speed factor; `.infinity` for max.
    func parsedSpeed() -> Double? {
        if speed == "max" { return .infinity }
        let digits = speed.hasSuffix("x") ? String(speed.dropLast()) : speed
        guard let value = Double(digits), value.isFinite, value > 0 else { return nil }
        return value
    }

    func run() throws {
        let stop = StopSignal()
        var records: [CaptureRecord] = []
        do {
            let captures = try files.map { (file) throws(ReplayError) in try CaptureReader(path: file) }
            var tagged: [(CaptureRecord, Int, Int)] = []
            for (file, capture) in captures.enumerated() {
                for (position, record) in capture.records.enumerated() { tagged.append((record, file, position)) }
            }
            tagged.sort { ($0.0.arrivalTime, $0.1, $0.2) < ($1.0.arrivalTime, $1.1, $1.2) }
            records = tagged.map(\.0)
        } catch {
            throw CommandFailure(error.description)
        }
        let context = try ZeroMQContext()
        let sender = try ReplaySender(context: context, endpoint: to, routingID: "replay-\(getpid())")
        let factor = parsedSpeed() ?? 1
        let clock = ContinuousClock()
        let start = clock.now
        var lastProgress = start
        let firstArrival = records.first?.arrivalTime ?? 0
        printError("replay: \(records.count) messages from \(files.count) file(s) to \(to) at \(speed)")
        var sent = 0
        for record in records {
            if stop.isRequested { break }
            if factor.isFinite {
                let offset = Double(record.arrivalTime - firstArrival) / factor
                let due = start + .nanoseconds(Int64(min(offset, 1e17)))
                while clock.now < due && !stop.isRequested {
                    try sender.pump(timeout: min(due - clock.now, .milliseconds(100)))
                    progress(&lastProgress, clock, sent, records.count, sender)
                }
            }
            while sender.outstanding >= window && !stop.isRequested {
                try sender.pump(timeout: .milliseconds(50))
            }
            if stop.isRequested { break }
            try sender.send(record.message)
            sent += 1
            if sent % 256 == 0 { try sender.pump(timeout: .zero) }
            progress(&lastProgress, clock, sent, records.count, sender)
        }
        let interrupted = stop.isRequested
        let complete = try sender.drain(
            stallTimeout: interrupted ? .seconds(2) : .milliseconds(Int64(drainTimeout * 1000))
        )
        let wall = clock.now - start
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        printError(
            "replay: \(interrupted ? "interrupted" : "done"): sent \(sent) of \(records.count) messages "
                + "(\(sender.events) events, \(sender.labels) labels) in \(String(format: "%.2f", seconds)) s; "
                + "acknowledged \(sender.acknowledgedBatches), unacknowledged \(sender.outstanding), "
                + "resends \(sender.resends), not batches \(sender.untracked)"
        )
        if !complete || interrupted { throw ExitCode(1) }
    }

    private func progress(
        _ last: inout ContinuousClock.Instant,
        _ clock: ContinuousClock,
        _ sent: Int,
        _ total: Int,
        _ sender: ReplaySender
    ) {
        guard clock.now - last >= .seconds(1) else { return }
        last = clock.now
        let share = total == 0 ? 1 : Double(sent) / Double(total)
        let filled = Int(share * 30)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        printError(
            "replay: [\(bar)] \(String(format: "%3.0f", share * 100))% \(sent)/\(total) messages, "
                + "\(sender.acknowledgedBatches) acknowledged"
        )
    }
}
