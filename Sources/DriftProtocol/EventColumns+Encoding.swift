extension EventColumns {
    /// The exact size of ``encoded()``, in bytes.
    /// - Complexity: O(number of events + number of strings).
    var encodedSize: Int {
        var size = WireFormat.preambleBytes + header.encodedSize + schema.encodedSize
        size += customMetricNames.reduce(2) { $0 + 2 + $1.utf8.count }
        size += dictionary.reduce(4) { $0 + 2 + $1.utf8.count }
        size += 4
        let fixed = 12 + 8 * schema.numericCount + 4 * schema.categoricalCount + 8 * customMetricNames.count
        size += count * fixed
        size += requestIDBytes.count + 2 * requestIDEnds.indices.lazy.filter { requestIDRange(of: $0).count > 0 }.count
        for index in 0..<count where !latencies[index].isNaN { size += 8 }
        for kind in predictionKinds {
            switch kind {
            case .absent: break
            case .number: size += 8
            case .classLabel: size += 4
            case .probabilities: size += 2
            }
        }
        size += 12 * probabilityClasses.count
        return size
    }

    /// The range of event `index`'s request id in ``requestIDBytes`` (empty when the event has none).
    /// - Parameter index: the event index.
    @inline(__always)
    func requestIDRange(of index: Int) -> Range<Int> {
        let start = index == 0 ? 0 : Int(requestIDEnds[index - 1])
        return start..<Int(requestIDEnds[index])
    }

    /// The range of event `index`'s class probabilities in ``probabilityClasses`` and ``probabilityValues``.
    /// - Parameter index: the event index.
    @inline(__always)
    func probabilityRange(of index: Int) -> Range<Int> {
        let start = index == 0 ? 0 : Int(probabilityEnds[index - 1])
        return start..<Int(probabilityEnds[index])
    }

    /// Encodes the batch as a v1.0 event-batch message (`docs/protocol.md`).
    ///
    /// A batch can only be made by ``EventBatchBuilder`` or by decoding, both of which enforce the limits, so
    /// encoding cannot fail.
    /// - Returns: the message bytes, exactly ``encodedSize`` long.
    /// - Complexity: O(size of the message); one allocation.
    func encoded() -> [UInt8] {
        WireWriter.encode(size: encodedSize) { writer in
            writer.preamble(.eventBatch)
            header.write(to: &writer)
            schema.write(to: &writer)
            writer.uint16(UInt16(truncatingIfNeeded: customMetricNames.count))
            for name in customMetricNames { writer.string(name) }
            writer.uint32(UInt32(truncatingIfNeeded: dictionary.count))
            for entry in dictionary { writer.string(entry) }
            writer.uint32(UInt32(truncatingIfNeeded: count))
            writeEvents(to: &writer)
        }
    }

    private func writeEvents(to writer: inout WireWriter) {
        let numericCount = schema.numericCount
        let categoricalCount = schema.categoricalCount
        let metricCount = customMetricNames.count
        requestIDBytes.withUnsafeBytes { idBytes in
            var requestIDStart = 0
            var probabilityStart = 0
            for index in 0..<count {
                writer.int64(timestamps[index])
                let requestIDEnd = Int(requestIDEnds[index])
                let latency = latencies[index]
                var flags: UInt8 = 0
                if requestIDEnd > requestIDStart { flags |= 0b01 }
                if !latency.isNaN { flags |= 0b10 }
                writer.uint8(flags)
                if requestIDEnd > requestIDStart {
                    writer.uint16(UInt16(truncatingIfNeeded: requestIDEnd - requestIDStart))
                    writer.bytes(UnsafeRawBufferPointer(rebasing: idBytes[requestIDStart..<requestIDEnd]))
                }
                requestIDStart = requestIDEnd
                if !latency.isNaN { writer.double(latency) }
                writer.uint16(outcomeCodes[index])
                let kind = predictionKinds[index]
                writer.uint8(kind.rawValue)
                let probabilityEnd = Int(probabilityEnds[index])
                switch kind {
                case .absent: break
                case .number: writer.double(predictionNumbers[index])
                case .classLabel: writer.uint32(predictionClasses[index])
                case .probabilities:
                    writer.uint16(UInt16(truncatingIfNeeded: probabilityEnd - probabilityStart))
                    for position in probabilityStart..<probabilityEnd {
                        writer.uint32(probabilityClasses[position])
                        writer.double(probabilityValues[position])
                    }
                }
                probabilityStart = probabilityEnd
                let numericBase = index * numericCount
                for position in numericBase..<(numericBase + numericCount) { writer.double(numericValues[position]) }
                let categoricalBase = index * categoricalCount
                for position in categoricalBase..<(categoricalBase + categoricalCount) {
                    writer.uint32(categoricalIndices[position])
                }
                let metricBase = index * metricCount
                for position in metricBase..<(metricBase + metricCount) { writer.double(customMetricValues[position]) }
            }
        }
    }
}
