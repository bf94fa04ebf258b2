import DriftProtocol

/// Groups recorded events and labels into wire batches: one open event batch and one open label batch per model
/// version, sealed when full or old enough.
///
/// An event batch carries one feature schema (docs/protocol.md), so the open batch's schema is the union of the
/// feature names its events reported; an event with a feature the schema lacks seals the batch and opens one with
/// the wider schema (names a given event lacks are sent as missing). Sequence numbers are not assigned here: the
/// delivery worker stamps them at sealing time (``SealedBatch/stamped(sequence:)``), so a batch that never seals
/// (the process dies) leaves no gap in the agent's sequence.
///
/// Not thread-safe: owned by the delivery worker's thread.
struct BatchAssembler {
    /// When a batch is sealed.
    struct Limits: Sendable, Equatable {
        /// Events (or labels) per batch.
        var maxItems: Int
        /// Encoded bytes per batch (the wire limit is 16 MiB).
        var maxBytes: Int
        /// The longest a batch stays open after its first item.
        var maxAge: Duration
    }

    private struct ModelKey: Hashable {
        var model: String
        var version: String
    }

    private struct OpenEvents {
        var builder: EventBatchBuilder
        var numericNames: [String]
        var categoricalNames: [String]
        var metricNames: [String]
        var openedAt: ContinuousClock.Instant
    }

    private struct OpenLabels {
        var labels: [Label]
        var openedAt: ContinuousClock.Instant
    }

    let agentID: String
    let limits: Limits
    private var openEvents: [ModelKey: OpenEvents] = [:]
    private var openLabels: [ModelKey: OpenLabels] = [:]
    /// Batches sealed and not yet taken by ``takeSealed()``, in sealing order.
    private var sealed: [SealedBatch] = []

    /// Events and labels refused because a value broke a wire rule, by the rule's code (e.g.
    /// `value_out_of_range`).
    private(set) var invalid: [String: Int] = [:]

    init(agentID: String, limits: Limits) {
        self.agentID = agentID
        self.limits = limits
    }

    /// Events and labels in open batches.
    var openItemCount: Int {
        openEvents.values.reduce(0) { $0 + $1.builder.count } + openLabels.values.reduce(0) { $0 + $1.labels.count }
    }

    /// Adds one event to its model version's open batch.
    mutating func add(_ event: AgentEvent, now: ContinuousClock.Instant) {
        let key = ModelKey(model: event.model, version: event.modelVersion)
        if var open = openEvents.removeValue(forKey: key) {
            if fits(event, open) {
                append(event, to: &open)
                keepOrSeal(open, key: key)
                return
            }
            seal(open)
            let widened = widenedNames(open, event)
            guard let next = makeOpen(key, widened, now: now) ?? makeOpen(key, ownNames(event), now: now) else {
                return
            }
            open = next
            append(event, to: &open)
            keepOrSeal(open, key: key)
        } else if var open = makeOpen(key, ownNames(event), now: now) {
            append(event, to: &open)
            keepOrSeal(open, key: key)
        }
    }

    /// Adds one label to its model version's open label batch.
    mutating func add(_ label: AgentLabel, now: ContinuousClock.Instant) {
        guard !label.requestID.isEmpty, label.requestID.utf8.count <= WireLimits.maxStringBytes else {
            invalid["invalid_request_id", default: 0] += 1
            return
        }
        if case .number(let value) = label.groundTruth, !value.isFinite {
            invalid["value_out_of_range", default: 0] += 1
            return
        }
        let key = ModelKey(model: label.model, version: label.modelVersion)
        var open = openLabels.removeValue(forKey: key) ?? OpenLabels(labels: [], openedAt: now)
        open.labels.append(
            Label(timestamp: label.timestamp, requestID: label.requestID, groundTruth: label.groundTruth)
        )
        if open.labels.count >= min(limits.maxItems, WireLimits.maxLabelsPerBatch) {
            sealLabels(open, key: key)
        } else {
            openLabels[key] = open
        }
    }

    /// Seals every open batch older than ``Limits/maxAge`` (all of them when `everything`).
    mutating func sealExpired(now: ContinuousClock.Instant, everything: Bool = false) {
        for (key, open) in openEvents where everything || now - open.openedAt >= limits.maxAge {
            openEvents[key] = nil
            seal(open)
        }
        for (key, open) in openLabels where everything || now - open.openedAt >= limits.maxAge {
            openLabels[key] = nil
            sealLabels(open, key: key)
        }
    }

    /// The batches sealed since the last call, in sealing order.
    mutating func takeSealed() -> [SealedBatch] {
        defer { sealed.removeAll(keepingCapacity: true) }
        return sealed
    }

    // MARK: - Event batches

    private struct Names {
        var numeric: [String]
        var categorical: [String]
        var metrics: [String]
    }

    private func fits(_ event: AgentEvent, _ open: OpenEvents) -> Bool {
        event.numericFeatures.keys.allSatisfy { open.numericNames.contains($0) }
            && event.categoricalFeatures.keys.allSatisfy { open.categoricalNames.contains($0) }
            && event.customMetrics.keys.allSatisfy { open.metricNames.contains($0) }
    }

    private func ownNames(_ event: AgentEvent) -> Names {
        Names(
            numeric: event.numericFeatures.keys.sorted(),
            categorical: event.categoricalFeatures.keys.sorted(),
            metrics: event.customMetrics.keys.sorted()
        )
    }

    /// The open batch's names plus the event's; a name used as both kinds keeps the event's kind.
    private func widenedNames(_ open: OpenEvents, _ event: AgentEvent) -> Names {
        let numeric = Set(open.numericNames).subtracting(event.categoricalFeatures.keys)
            .union(event.numericFeatures.keys)
        let categorical = Set(open.categoricalNames).subtracting(event.numericFeatures.keys)
            .union(event.categoricalFeatures.keys)
        return Names(
            numeric: numeric.sorted(),
            categorical: categorical.sorted(),
            metrics: Set(open.metricNames).union(event.customMetrics.keys).sorted()
        )
    }

    private mutating func makeOpen(_ key: ModelKey, _ names: Names, now: ContinuousClock.Instant) -> OpenEvents? {
        do {
            let schema = try FeatureSchema(numeric: names.numeric, categorical: names.categorical)
            // Sequence 1 is a placeholder, replaced when the batch is sealed (see SealedBatch).
            let header = BatchHeader(agentID: agentID, sequence: 1, model: key.model, modelVersion: key.version)
            let builder = try EventBatchBuilder(header: header, schema: schema, customMetricNames: names.metrics)
            return OpenEvents(
                builder: builder,
                numericNames: names.numeric,
                categoricalNames: names.categorical,
                metricNames: names.metrics,
                openedAt: now
            )
        } catch {
            invalid[error.code, default: 0] += 1
            return nil
        }
    }

    private mutating func append(_ event: AgentEvent, to open: inout OpenEvents) {
        let wireEvent = Event(
            timestamp: event.timestamp,
            requestID: event.requestID,
            latencyMicroseconds: event.latencyMicroseconds,
            outcome: event.outcome,
            prediction: event.prediction,
            numericFeatures: open.numericNames.map { event.numericFeatures[$0] ?? .nan },
            categoricalFeatures: open.categoricalNames.map { event.categoricalFeatures[$0] ?? nil },
            customMetrics: open.metricNames.map { event.customMetrics[$0] }
        )
        do {
            try open.builder.append(wireEvent)
        } catch {
            invalid[error.code, default: 0] += 1
        }
    }

    private mutating func keepOrSeal(_ open: OpenEvents, key: ModelKey) {
        if open.builder.count >= min(limits.maxItems, WireLimits.maxEventsPerBatch)
            || open.builder.encodedSize >= limits.maxBytes
        {
            seal(open)
        } else {
            openEvents[key] = open
        }
    }

    private mutating func seal(_ open: OpenEvents) {
        guard open.builder.count > 0 else { return }
        sealed.append(
            SealedBatch(
                bytes: open.builder.batch.encoded(),
                sequenceOffset: SealedBatch.sequenceOffset(agentID: agentID),
                events: open.builder.count,
                labels: 0
            )
        )
    }

    private mutating func sealLabels(_ open: OpenLabels, key: ModelKey) {
        guard !open.labels.isEmpty else { return }
        let header = BatchHeader(agentID: agentID, sequence: 1, model: key.model, modelVersion: key.version)
        do {
            let bytes = try LabelBatch(header: header, labels: open.labels).encoded()
            sealed.append(
                SealedBatch(
                    bytes: bytes,
                    sequenceOffset: SealedBatch.sequenceOffset(agentID: agentID),
                    events: 0,
                    labels: open.labels.count
                )
            )
        } catch {
            invalid[error.code, default: 0] += open.labels.count
        }
    }
}

/// An encoded wire batch (events or labels) waiting for its sequence number.
struct SealedBatch: Sendable, Equatable {
    /// The encoded message, with a placeholder sequence until ``stamped(sequence:)``.
    var bytes: [UInt8]
    /// Where the header's little-endian u64 sequence starts.
    let sequenceOffset: Int
    /// Events in the batch.
    let events: Int
    /// Labels in the batch.
    let labels: Int

    /// The offset of the sequence field: the 8-byte preamble, then the agent id as a u16 length and its bytes
    /// (docs/protocol.md, "Batch header").
    static func sequenceOffset(agentID: String) -> Int {
        WireFormat.preambleBytes + 2 + agentID.utf8.count
    }

    /// The batch with `sequence` written into its header.
    func stamped(sequence: UInt64) -> SealedBatch {
        var copy = self
        for byte in 0..<8 {
            copy.bytes[sequenceOffset + byte] = UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(byte)))
        }
        return copy
    }
}
