/// Builds an ``EventBatch`` one event at a time, interning categorical values and class labels into the batch
/// dictionary and checking every value against the limits and rules of the wire format.
///
/// ```swift
/// var builder = try EventBatchBuilder(header: header, schema: schema, customMetricNames: ["tokens"])
/// try builder.append(Event(timestamp: now, numericFeatures: [0.5], categoricalFeatures: ["fr"]))
/// let bytes = builder.batch.encoded()
/// ```
public struct EventBatchBuilder: Sendable {
    private var columns: EventColumns
    private var dictionaryIndex: [String: UInt32] = [:]
    private var size: Int

    /// Starts an empty batch.
    /// - Parameters:
    ///   - header: agent id, sequence number (≥ 1), model and version.
    ///   - schema: the features every event carries.
    ///   - customMetricNames: names of the custom metrics events may report (unique, at most
    ///     ``WireLimits/maxCustomMetrics``).
    /// - Throws: ``ProtocolError`` (offset `nil`) when the header or names break a rule.
    public init(header: BatchHeader, schema: FeatureSchema, customMetricNames: [String] = []) throws(ProtocolError) {
        try header.validate()
        if customMetricNames.count > WireLimits.maxCustomMetrics {
            throw ProtocolError(.countOutOfRange(.customMetricCount, customMetricNames.count), at: nil)
        }
        for (position, name) in customMetricNames.enumerated() {
            try BatchHeader.checkString(name, .customMetricName, allowEmpty: false)
            if customMetricNames[..<position].contains(name) {
                throw ProtocolError(.duplicateName(.customMetricName, name), at: nil)
            }
        }
        columns = EventColumns(header: header, schema: schema, customMetricNames: customMetricNames)
        size = columns.encodedSize
    }

    /// Number of events appended so far.
    public var count: Int { columns.count }

    /// The batch built so far (the same as ``build()``).
    public var batch: EventBatch { EventBatch(columns: columns) }

    /// The size the batch will have when encoded, in bytes.
    public var encodedSize: Int { size }

    /// Appends one event.
    ///
    /// On error the batch is unchanged.
    /// - Parameter event: the event; its arrays must match the schema and custom-metric names.
    /// - Throws: ``ProtocolError`` (offset `nil`): schema mismatch, too many events, non-finite or out-of-range
    ///   values, strings too long or empty, dictionary or message size limits.
    /// - Complexity: O(size of the event), amortised.
    public mutating func append(_ event: Event) throws(ProtocolError) {
        let schema = columns.schema
        if columns.count >= WireLimits.maxEventsPerBatch {
            throw ProtocolError(.countOutOfRange(.eventCount, columns.count + 1), at: nil)
        }
        if event.numericFeatures.count != schema.numericCount {
            throw ProtocolError(
                .schemaMismatch(.numericFeature, expected: schema.numericCount, found: event.numericFeatures.count),
                at: nil
            )
        }
        if event.categoricalFeatures.count != schema.categoricalCount {
            throw ProtocolError(
                .schemaMismatch(
                    .categoricalFeature,
                    expected: schema.categoricalCount,
                    found: event.categoricalFeatures.count
                ),
                at: nil
            )
        }
        if event.customMetrics.count != columns.customMetricNames.count {
            throw ProtocolError(
                .schemaMismatch(
                    .customMetric,
                    expected: columns.customMetricNames.count,
                    found: event.customMetrics.count
                ),
                at: nil
            )
        }
        var added = 12 + 8 * schema.numericCount + 4 * schema.categoricalCount + 8 * event.customMetrics.count
        if let requestID = event.requestID {
            try BatchHeader.checkString(requestID, .requestID, allowEmpty: false)
            added += 2 + requestID.utf8.count
        }
        if let latency = event.latencyMicroseconds {
            if !latency.isFinite { throw ProtocolError(.nonFiniteValue(.latency), at: nil) }
            if latency < 0 { throw ProtocolError(.valueOutOfRange(.latency), at: nil) }
            added += 8
        }
        var newStrings: [String] = []
        switch event.prediction {
        case .absent: break
        case .number(let value):
            if !value.isFinite { throw ProtocolError(.nonFiniteValue(.predictionNumber), at: nil) }
            added += 8
        case .classLabel(let label):
            try BatchHeader.checkString(label, .dictionaryEntry, allowEmpty: true)
            if dictionaryIndex[label] == nil { newStrings.append(label) }
            added += 4
        case .probabilities(let probabilities):
            if probabilities.isEmpty || probabilities.count > WireLimits.maxProbabilitiesPerPrediction {
                throw ProtocolError(.countOutOfRange(.probabilityCount, probabilities.count), at: nil)
            }
            for entry in probabilities {
                if !entry.probability.isFinite { throw ProtocolError(.nonFiniteValue(.probabilityValue), at: nil) }
                if entry.probability < 0 || entry.probability > 1 {
                    throw ProtocolError(.valueOutOfRange(.probabilityValue), at: nil)
                }
                try BatchHeader.checkString(entry.label, .dictionaryEntry, allowEmpty: true)
                if dictionaryIndex[entry.label] == nil && !newStrings.contains(entry.label) {
                    newStrings.append(entry.label)
                }
            }
            added += 2 + 12 * probabilities.count
        }
        for value in event.numericFeatures where value.isInfinite {
            throw ProtocolError(.nonFiniteValue(.numericFeature), at: nil)
        }
        for value in event.categoricalFeatures {
            guard let value else { continue }
            try BatchHeader.checkString(value, .dictionaryEntry, allowEmpty: true)
            if dictionaryIndex[value] == nil && !newStrings.contains(value) { newStrings.append(value) }
        }
        for value in event.customMetrics {
            if let value, !value.isFinite { throw ProtocolError(.nonFiniteValue(.customMetric), at: nil) }
        }
        if columns.dictionary.count + newStrings.count > WireLimits.maxDictionaryEntries {
            throw ProtocolError(
                .countOutOfRange(.dictionaryCount, columns.dictionary.count + newStrings.count),
                at: nil
            )
        }
        added += newStrings.reduce(0) { $0 + 2 + $1.utf8.count }
        if size + added > WireLimits.maxMessageBytes {
            throw ProtocolError(.messageTooLarge(size + added), at: nil)
        }

        // Validated: now mutate.
        size += added
        for string in newStrings {
            dictionaryIndex[string] = UInt32(columns.dictionary.count)
            columns.dictionary.append(string)
        }
        columns.appendValidated(event, dictionaryIndex: dictionaryIndex)
    }

    /// Returns the batch and leaves the builder as it is.
    public func build() -> EventBatch { EventBatch(columns: columns) }
}

extension EventColumns {
    /// Appends an event whose values have been checked and whose strings are all in `dictionaryIndex`.
    mutating func appendValidated(_ event: Event, dictionaryIndex: [String: UInt32]) {
        timestamps.append(event.timestamp)
        if let requestID = event.requestID { requestIDBytes.append(contentsOf: requestID.utf8) }
        requestIDEnds.append(UInt32(truncatingIfNeeded: requestIDBytes.count))
        latencies.append(event.latencyMicroseconds ?? .nan)
        outcomeCodes.append(event.outcome.wireCode)
        predictionKinds.append(event.prediction.kind)
        switch event.prediction {
        case .absent:
            predictionNumbers.append(.nan)
            predictionClasses.append(WireFormat.missingIndex)
        case .number(let value):
            predictionNumbers.append(value)
            predictionClasses.append(WireFormat.missingIndex)
        case .classLabel(let label):
            predictionNumbers.append(.nan)
            predictionClasses.append(dictionaryIndex[label] ?? WireFormat.missingIndex)
        case .probabilities(let probabilities):
            predictionNumbers.append(.nan)
            predictionClasses.append(WireFormat.missingIndex)
            for entry in probabilities {
                probabilityClasses.append(dictionaryIndex[entry.label] ?? WireFormat.missingIndex)
                probabilityValues.append(entry.probability)
            }
        }
        probabilityEnds.append(UInt32(truncatingIfNeeded: probabilityClasses.count))
        numericValues.append(contentsOf: event.numericFeatures)
        for value in event.categoricalFeatures {
            categoricalIndices.append(value.flatMap { dictionaryIndex[$0] } ?? WireFormat.missingIndex)
        }
        for value in event.customMetrics { customMetricValues.append(value ?? .nan) }
    }
}
