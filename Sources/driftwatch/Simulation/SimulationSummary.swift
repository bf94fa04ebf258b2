/// What a `driftwatch simulate` run sent and what the collector acknowledged.
struct SimulationSummary: Sendable {
    /// Events sent.
    var events = 0
    /// Events with an error outcome.
    var errors = 0
    /// Labels sent.
    var labels = 0
    /// Labels not sent because the run was interrupted before their delay passed.
    var labelsDropped = 0
    /// Batches (event and label) sent at least once.
    var batches = 0
    /// The highest sequence N such that batches 1…N were acknowledged.
    var acknowledged: UInt64 = 0
    /// Batches not acknowledged when the run ended.
    var unacknowledged = 0
    /// Whether every batch was acknowledged before the end.
    var allAcknowledged = false
    /// Sends of a batch after its first.
    var resends = 0
    /// Times the run waited because `windowCapacity` batches were unacknowledged.
    var windowFullWaits = 0
    /// The window size.
    var windowCapacity = 0
    /// Whether SIGINT or SIGTERM stopped the run.
    var interrupted = false
    /// Event time covered, in seconds.
    var eventTime = 0.0
    /// Wall-clock time the run took.
    var wallTime: Duration = .zero

    /// The lines printed at the end of the run.
    var lines: [String] {
        var lines = [
            "simulate: \(interrupted ? "interrupted" : "finished") after \(format(eventTime)) s of event time"
                + " (\(format(Double(wallTime.components.seconds) + Double(wallTime.components.attoseconds) / 1e18)) s wall)",
            "simulate: sent \(events) events (\(errors) errors) and \(labels) labels in \(batches) batches"
                + " (sequences 1…\(batches)); \(resends) resent",
            "simulate: acknowledged through sequence \(acknowledged); \(unacknowledged) batch(es) unacknowledged",
        ]
        if labelsDropped > 0 { lines.append("simulate: \(labelsDropped) labels not yet due were not sent") }
        if windowFullWaits > 0 {
            lines.append(
                "simulate: waited \(windowFullWaits) time(s) for acknowledgements with \(windowCapacity) batches"
                    + " unacknowledged (the collector did not keep up; nothing was dropped)"
            )
        }
        return lines
    }

    private func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return "\(rounded)"
    }
}
