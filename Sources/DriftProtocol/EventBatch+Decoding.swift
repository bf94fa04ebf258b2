extension EventBatch {
    /// Decodes an event-batch message.
    ///
    /// Total: returns a batch or throws the first error in wire order (a block of fixed-size values — the numeric
    /// features, categorical features or custom metrics of one event — is checked for length before its values).
    /// Allocations are a few per batch, each bounded both by a limit and by the bytes that remain; none per event.
    /// - Parameter bytes: one whole message.
    /// - Throws: ``ProtocolError`` naming the field and byte offset.
    /// - Complexity: O(`bytes.count`).
    public init(decoding bytes: UnsafeRawBufferPointer) throws(ProtocolError) {
        var reader = WireReader(bytes)
        let minor = try reader.readPreamble(expecting: .eventBatch)
        let header = try BatchHeader.read(from: &reader)
        let schema = try FeatureSchema.read(from: &reader)

        let metricCount = try reader.readCount(.customMetricCount, wide: false, range: 0...WireLimits.maxCustomMetrics)
        var metricNames: [String] = []
        metricNames.reserveCapacity(min(metricCount, reader.remaining / 3))
        for _ in 0..<metricCount {
            let nameOffset = reader.offset
            let name = try reader.readString(.customMetricName, allowEmpty: false)
            if metricNames.contains(name) {
                throw ProtocolError(.duplicateName(.customMetricName, name), at: nameOffset)
            }
            metricNames.append(name)
        }

        let dictionaryCount = try reader.readCount(
            .dictionaryCount,
            wide: true,
            range: 0...WireLimits.maxDictionaryEntries
        )
        var dictionary: [String] = []
        dictionary.reserveCapacity(min(dictionaryCount, reader.remaining / 2))
        for _ in 0..<dictionaryCount {
            dictionary.append(try reader.readString(.dictionaryEntry, allowEmpty: true))
        }

        let eventCount = try reader.readCount(.eventCount, wide: true, range: 0...WireLimits.maxEventsPerBatch)
        var columns = EventColumns(
            header: header,
            schema: schema,
            customMetricNames: metricNames,
            dictionary: dictionary
        )
        let numericCount = schema.numericCount
        let categoricalCount = schema.categoricalCount
        let minimumEventBytes = 12 + 8 * numericCount + 4 * categoricalCount + 8 * metricCount
        try columns.decodeEvents(
            count: eventCount,
            capacity: min(eventCount, reader.remaining / minimumEventBytes),
            from: &reader,
            dictionarySize: UInt32(truncatingIfNeeded: dictionary.count)
        )
        try reader.finish(minor: minor)
        self.init(columns: columns)
    }

    /// Decodes an event-batch message held in an array.
    /// - Parameter bytes: one whole message.
    /// - Throws: ``ProtocolError`` naming the field and byte offset.
    /// - Complexity: O(`bytes.count`).
    public init(decoding bytes: [UInt8]) throws(ProtocolError) {
        var result: Result<EventBatch, ProtocolError> = .failure(ProtocolError(.truncated(.magic), at: 0))
        bytes.withUnsafeBytes { raw in
            do throws(ProtocolError) {
                result = .success(try EventBatch(decoding: raw))
            } catch {
                result = .failure(error)
            }
        }
        self = try result.get()
    }

}

extension EventColumns {
    mutating func decodeEvents(
        count eventCount: Int,
        capacity: Int,
        from reader: inout WireReader,
        dictionarySize: UInt32
    ) throws(ProtocolError) {
        let numericCount = schema.numericCount
        let categoricalCount = schema.categoricalCount
        let metricCount = customMetricNames.count
        let bytes = reader.bytes
        // Local columns: the optimiser keeps them in registers and hoists uniqueness checks out of the loop.
        var timestamps: [Int64] = []
        var outcomeCodes: [UInt16] = []
        var latencies: [Double] = []
        var requestIDBytes: [UInt8] = []
        var requestIDEnds: [UInt32] = []
        var predictionKinds: [PredictionKind] = []
        var predictionNumbers: [Double] = []
        var predictionClasses: [UInt32] = []
        var probabilityEnds: [UInt32] = []
        var probabilityClasses: [UInt32] = []
        var probabilityValues: [Double] = []
        var numericValues: [Double] = []
        var categoricalIndices: [UInt32] = []
        var customMetricValues: [Double] = []
        timestamps.reserveCapacity(capacity)
        outcomeCodes.reserveCapacity(capacity)
        latencies.reserveCapacity(capacity)
        requestIDEnds.reserveCapacity(capacity)
        predictionKinds.reserveCapacity(capacity)
        predictionNumbers.reserveCapacity(capacity)
        predictionClasses.reserveCapacity(capacity)
        probabilityEnds.reserveCapacity(capacity)
        numericValues.reserveCapacity(capacity * numericCount)
        categoricalIndices.reserveCapacity(capacity * categoricalCount)
        customMetricValues.reserveCapacity(capacity * metricCount)

        for _ in 0..<eventCount {
            timestamps.append(try reader.readInt64(.timestamp))
            let flagsOffset = reader.offset
            let flags = try reader.readUInt8(.eventFlags)
            if flags & ~0b11 != 0 { throw ProtocolError(.reservedBitsSet(.eventFlags, flags), at: flagsOffset) }
            if flags & 0b01 != 0 {
                let span = try reader.readStringSpan(.requestID, allowEmpty: false)
                requestIDBytes.append(
                    contentsOf: UnsafeBufferPointer(
                        start: bytes.baseAddress.map { ($0 + span.start).assumingMemoryBound(to: UInt8.self) },
                        count: span.count
                    )
                )
            }
            requestIDEnds.append(UInt32(truncatingIfNeeded: requestIDBytes.count))
            if flags & 0b10 != 0 {
                let latencyOffset = reader.offset
                let latency = try reader.readDouble(.latency)
                if !latency.isFinite { throw ProtocolError(.nonFiniteValue(.latency), at: latencyOffset) }
                if latency < 0 { throw ProtocolError(.valueOutOfRange(.latency), at: latencyOffset) }
                latencies.append(latency)
            } else {
                latencies.append(.nan)
            }
            outcomeCodes.append(try reader.readUInt16(.outcome))

            let kindOffset = reader.offset
            let rawKind = try reader.readUInt8(.predictionKind)
            switch rawKind {
            case PredictionKind.absent.rawValue:
                predictionKinds.append(.absent)
                predictionNumbers.append(.nan)
                predictionClasses.append(WireFormat.missingIndex)
            case PredictionKind.number.rawValue:
                predictionNumbers.append(try reader.readFiniteDouble(.predictionNumber))
                predictionKinds.append(.number)
                predictionClasses.append(WireFormat.missingIndex)
            case PredictionKind.classLabel.rawValue:
                let classOffset = reader.offset
                let index = try reader.readUInt32(.predictionClass)
                if index >= dictionarySize {
                    throw ProtocolError(.dictionaryIndexOutOfRange(.predictionClass, index), at: classOffset)
                }
                predictionKinds.append(.classLabel)
                predictionNumbers.append(.nan)
                predictionClasses.append(index)
            case PredictionKind.probabilities.rawValue:
                let probabilityCount = try reader.readCount(
                    .probabilityCount,
                    wide: false,
                    range: 1...WireLimits.maxProbabilitiesPerPrediction
                )
                for _ in 0..<probabilityCount {
                    let classOffset = reader.offset
                    let index = try reader.readUInt32(.probabilityClass)
                    if index >= dictionarySize {
                        throw ProtocolError(.dictionaryIndexOutOfRange(.probabilityClass, index), at: classOffset)
                    }
                    let valueOffset = reader.offset
                    let value = try reader.readDouble(.probabilityValue)
                    if !value.isFinite { throw ProtocolError(.nonFiniteValue(.probabilityValue), at: valueOffset) }
                    if value < 0 || value > 1 {
                        throw ProtocolError(.valueOutOfRange(.probabilityValue), at: valueOffset)
                    }
                    probabilityClasses.append(index)
                    probabilityValues.append(value)
                }
                predictionKinds.append(.probabilities)
                predictionNumbers.append(.nan)
                predictionClasses.append(WireFormat.missingIndex)
            default:
                throw ProtocolError(.invalidEnumValue(.predictionKind, rawKind), at: kindOffset)
            }
            probabilityEnds.append(UInt32(truncatingIfNeeded: probabilityClasses.count))

            try reader.requireElements(numericCount, size: 8, .numericFeature)
            for _ in 0..<numericCount {
                let value = reader.uncheckedDouble()
                if value.isInfinite { throw ProtocolError(.nonFiniteValue(.numericFeature), at: reader.offset &- 8) }
                numericValues.append(value)
            }
            try reader.requireElements(categoricalCount, size: 4, .categoricalFeature)
            for _ in 0..<categoricalCount {
                let index = reader.uncheckedUInt32()
                if index >= dictionarySize && index != WireFormat.missingIndex {
                    throw ProtocolError(
                        .dictionaryIndexOutOfRange(.categoricalFeature, index),
                        at: reader.offset &- 4
                    )
                }
                categoricalIndices.append(index)
            }
            try reader.requireElements(metricCount, size: 8, .customMetric)
            for _ in 0..<metricCount {
                let value = reader.uncheckedDouble()
                if value.isInfinite { throw ProtocolError(.nonFiniteValue(.customMetric), at: reader.offset &- 8) }
                customMetricValues.append(value)
            }
        }

        self.timestamps = timestamps
        self.outcomeCodes = outcomeCodes
        self.latencies = latencies
        self.requestIDBytes = requestIDBytes
        self.requestIDEnds = requestIDEnds
        self.predictionKinds = predictionKinds
        self.predictionNumbers = predictionNumbers
        self.predictionClasses = predictionClasses
        self.probabilityEnds = probabilityEnds
        self.probabilityClasses = probabilityClasses
        self.probabilityValues = probabilityValues
        self.numericValues = numericValues
        self.categoricalIndices = categoricalIndices
        self.customMetricValues = customMetricValues
    }
}
