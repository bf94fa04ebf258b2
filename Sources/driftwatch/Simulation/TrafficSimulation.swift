import DriftProtocol
import Foundation

/// Runs a simulation: generates every model's requests in event-time order, batches events and delayed labels,
/// and hands the batches to a ``BatchSink`` (a collector or a capture file); paced by the wall clock, or as fast as possible with
/// `fast` (then the batches depend only on the configuration, never on timing).
///
/// A batch is sent when it holds `batchSize` elements or when its first element is `batchInterval` old in event
/// time. Everything lives on the calling thread, the socket included.
final class TrafficSimulation {
    private let configuration: SimulationConfiguration
    private let sender: any BatchSink
    private let stop: StopSignal
    private let schema: FeatureSchema
    private let clock = ContinuousClock()
    private var models: [SimulatedModel]
    /// The earliest event time at which ``advance(to:)`` has something to do.
    private var nextDeadline = Int64.max
    /// The event time reached, nanoseconds after the start.
    private var reached: Int64 = 0
    private var summary = SimulationSummary()

    /// Prepares the models; nothing is sent before ``run()``.
    init(configuration: SimulationConfiguration, sender: any BatchSink, stop: StopSignal) throws {
        self.configuration = configuration
        self.sender = sender
        self.stop = stop
        self.schema = try FraudTrafficModel.schema
        models = configuration.modelNames.enumerated().map { index, name in
            let seed = configuration.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
            return SimulatedModel(
                name: name,
                traffic: FraudTrafficModel(seed: seed, requestPrefix: "\(configuration.agentID)-\(index)")
            )
        }
    }

    /// Runs until the duration is reached or a stop is requested, then flushes and waits for acknowledgements.
    /// - Returns: what was sent and acknowledged.
    func run() throws -> SimulationSummary {
        let wallStart = clock.now
        var lastProgress = wallStart
        let duration = configuration.duration ?? Int64.max
        for index in models.indices { scheduleNext(index, after: nil) }
        var finished = false
        while !finished {
            if stop.isRequested {
                summary.interrupted = true
                break
            }
            let horizon = configuration.fast ? Int64.max : nanoseconds(clock.now - wallStart)
            var generated = 0
            while generated < 4096, generated % 256 != 255 || !stop.isRequested, let index = earliestModel() {
                let offset = models[index].nextOffset
                if offset >= duration {
                    finished = true
                    break
                }
                if offset > horizon { break }
                try advance(to: offset)
                try request(index, at: offset)
                generated += 1
            }
            if finished { break }
            if configuration.fast {
                try sender.pump(timeout: .zero)
            } else {
                let now = min(nanoseconds(clock.now - wallStart), duration)
                try advance(to: now)
                let next = min(earliestModel().map { models[$0].nextOffset } ?? duration, nextDeadline, duration)
                let wait = max(0, min(next - nanoseconds(clock.now - wallStart), 100_000_000))
                try sender.pump(timeout: .nanoseconds(wait))
            }
            if clock.now - lastProgress >= configuration.progressInterval {
                lastProgress = clock.now
                printError(progressLine())
            }
        }
        try finish(complete: finished)
        summary.eventTime = Double(reached) / 1e9
        summary.wallTime = clock.now - wallStart
        summary.allAcknowledged = try sender.drain(stallTimeout: configuration.drainStallTimeout)
        summary.batches = sender.batchesSent
        summary.acknowledged = sender.acknowledged
        summary.unacknowledged = sender.unacknowledged
        summary.resends = sender.resends
        summary.windowFullWaits = sender.windowFullWaits
        summary.windowCapacity = sender.capacity
        return summary
    }

    private func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private func earliestModel() -> Int? {
        var best: Int?
        for index in models.indices where best.map({ models[index].nextOffset < models[$0].nextOffset }) ?? true {
            best = index
        }
        return best
    }

    private func scheduleNext(_ index: Int, after offset: Int64?) {
        let gap = models[index].traffic.interarrival(rate: configuration.rate)
        let gapNanoseconds = Int64(min(max(gap * 1e9, 1), 1e15))
        models[index].nextOffset = (offset ?? 0) + gapNanoseconds
    }

    /// Generates the candidate request of model `index` at `offset` and batches it (and its label).
    private func request(_ index: Int, at offset: Int64) throws {
        reached = max(reached, offset)
        let effects = IncidentEffects(configuration.incidents, at: Double(offset) / 1e9)
        if models[index].traffic.keepsRequest(factor: effects.rateFactor) {
            let timestamp = configuration.startTime &+ offset
            let (event, truth) = models[index].traffic.nextRequest(
                at: timestamp,
                effects: effects,
                labelFraction: configuration.labelFraction
            )
            if models[index].events.isEmpty {
                models[index].eventsStart = offset
                nextDeadline = min(nextDeadline, offset + configuration.batchInterval)
            }
            models[index].events.append(event)
            if let truth, let requestID = event.requestID {
                let due = offset + configuration.labelDelay
                let label = Label(
                    timestamp: configuration.startTime &+ due,
                    requestID: requestID,
                    groundTruth: .classLabel(truth)
                )
                models[index].waiting.append((due, label))
                nextDeadline = min(nextDeadline, due)
            }
            if models[index].events.count >= configuration.batchSize { try flushEvents(index) }
        }
        scheduleNext(index, after: offset)
    }

    /// Moves labels that are due at `offset` into label batches and sends batches whose interval has passed.
    private func advance(to offset: Int64) throws {
        reached = max(reached, offset)
        guard offset >= nextDeadline else { return }
        var deadline = Int64.max
        for index in models.indices {
            while let due = models[index].nextDue, due <= offset {
                models[index].takeNextDue()
                if models[index].ready.count >= configuration.batchSize { try flushLabels(index) }
            }
            if !models[index].events.isEmpty && models[index].eventsStart + configuration.batchInterval <= offset {
                try flushEvents(index)
            }
            if !models[index].ready.isEmpty && models[index].readyStart + configuration.batchInterval <= offset {
                try flushLabels(index)
            }
            if !models[index].events.isEmpty {
                deadline = min(deadline, models[index].eventsStart + configuration.batchInterval)
            }
            if !models[index].ready.isEmpty {
                deadline = min(deadline, models[index].readyStart + configuration.batchInterval)
            }
            if let due = models[index].nextDue { deadline = min(deadline, due) }
        }
        nextDeadline = deadline
    }

    /// Sends what is left. A complete run sends labels still waiting for their delay at once (with the time they
    /// would have been observed); an interrupted one drops them and counts them.
    private func finish(complete: Bool) throws {
        for index in models.indices {
            try flushEvents(index)
            if complete {
                while models[index].nextDue != nil {
                    models[index].takeNextDue()
                    if models[index].ready.count >= configuration.batchSize { try flushLabels(index) }
                }
            } else {
                summary.labelsDropped += models[index].waitingCount
            }
            try flushLabels(index)
        }
    }

    private func flushEvents(_ index: Int) throws {
        let events = models[index].events
        guard !events.isEmpty else { return }
        models[index].events.removeAll(keepingCapacity: true)
        let header = (configuration.agentID, models[index].name, configuration.modelVersion)
        let schema = self.schema
        try sender.send(
            { sequence in
                var builder = try EventBatchBuilder(
                    header: BatchHeader(agentID: header.0, sequence: sequence, model: header.1, modelVersion: header.2),
                    schema: schema
                )
                for event in events { try builder.append(event) }
                return builder.build().encoded()
            },
            eventTime: configuration.startTime &+ reached,
            stop: stop
        )
        summary.events += events.count
        summary.errors += events.count { $0.outcome.isError }
    }

    private func flushLabels(_ index: Int) throws {
        let labels = models[index].ready
        guard !labels.isEmpty else { return }
        models[index].ready.removeAll(keepingCapacity: true)
        let header = (configuration.agentID, models[index].name, configuration.modelVersion)
        try sender.send(
            { sequence in
                try LabelBatch(
                    header: BatchHeader(agentID: header.0, sequence: sequence, model: header.1, modelVersion: header.2),
                    labels: labels
                ).encoded()
            },
            eventTime: configuration.startTime &+ reached,
            stop: stop
        )
        summary.labels += labels.count
    }

    private func progressLine() -> String {
        let seconds = Double(reached) / 1e9
        let active = configuration.incidents.filter { $0.isActive(at: seconds) }.map(\.description)
        return "simulate: t=\(String(format: "%.1f", seconds))s events=\(summary.events) labels=\(summary.labels)"
            + " batches=\(sender.batchesSent) acknowledged=\(sender.acknowledged)"
            + " unacknowledged=\(sender.unacknowledged) incidents=[\(active.joined(separator: ", "))]"
    }
}
