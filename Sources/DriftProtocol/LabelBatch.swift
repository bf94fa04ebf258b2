/// A batch of delayed labels for one model (message type 2).
///
/// Label batches share the agent's sequence numbers with event batches: one acknowledgement covers both.
public struct LabelBatch: Sendable, Hashable {
    /// Agent id, sequence number, model and version.
    public var header: BatchHeader
    /// The labels, in wire order.
    public var labels: [Label]

    /// Creates a label batch.
    /// - Parameters:
    ///   - header: agent id, sequence number (≥ 1), model and version.
    ///   - labels: the labels.
    public init(header: BatchHeader, labels: [Label]) {
        self.header = header
        self.labels = labels
    }

    /// Decodes a label-batch message.
    /// - Parameter bytes: one whole message.
    /// - Throws: ``ProtocolError`` naming the field and byte offset.
    /// - Complexity: O(`bytes.count`); one string allocation per label.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(ProtocolError) {
        var reader = WireReader(bytes)
        let minor = try reader.readPreamble(expecting: .labelBatch)
        header = try BatchHeader.read(from: &reader)
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
        let labelCount = try reader.readCount(.labelCount, wide: true, range: 0...WireLimits.maxLabelsPerBatch)
        labels = []
        labels.reserveCapacity(min(labelCount, reader.remaining / 16))
        for _ in 0..<labelCount {
            let timestamp = try reader.readInt64(.timestamp)
            let requestID = try reader.readString(.requestID, allowEmpty: false)
            let kindOffset = reader.offset
            let rawKind = try reader.readUInt8(.labelKind)
            let truth: GroundTruth
            switch LabelKind(rawValue: rawKind) {
            case .number: truth = .number(try reader.readFiniteDouble(.labelNumber))
            case .classLabel:
                let classOffset = reader.offset
                let index = try reader.readUInt32(.labelClass)
                if index >= dictionary.count {
                    throw ProtocolError(.dictionaryIndexOutOfRange(.labelClass, index), at: classOffset)
                }
                truth = .classLabel(dictionary[Int(index)])
            case nil: throw ProtocolError(.invalidEnumValue(.labelKind, rawKind), at: kindOffset)
            }
            labels.append(Label(timestamp: timestamp, requestID: requestID, groundTruth: truth))
        }
        try reader.finish(minor: minor)
    }

    /// Decodes a label-batch message held in an array.
    /// - Parameter bytes: one whole message.
    /// - Throws: ``ProtocolError`` naming the field and byte offset.
    public init(decoding bytes: [UInt8]) throws(ProtocolError) {
        var result: Result<LabelBatch, ProtocolError> = .failure(ProtocolError(.truncated(.magic), at: 0))
        bytes.withUnsafeBytes { raw in
            do throws(ProtocolError) {
                result = .success(try LabelBatch(decoding: raw))
            } catch {
                result = .failure(error)
            }
        }
        self = try result.get()
    }

    /// Encodes the batch as a v1.0 label-batch message, class labels through a dictionary in first-use order.
    /// - Returns: the message bytes.
    /// - Throws: ``ProtocolError`` (offset `nil`) when the batch breaks a limit or rule (empty or long strings,
    ///   non-finite numbers, too many labels or dictionary entries, message too large, sequence 0).
    /// - Complexity: O(size of the message).
    public func encoded() throws(ProtocolError) -> [UInt8] {
        try header.validate()
        if labels.count > WireLimits.maxLabelsPerBatch {
            throw ProtocolError(.countOutOfRange(.labelCount, labels.count), at: nil)
        }
        var dictionary: [String] = []
        var index: [String: UInt32] = [:]
        var size = WireFormat.preambleBytes + header.encodedSize + 4 + 4
        for label in labels {
            try BatchHeader.checkString(label.requestID, .requestID, allowEmpty: false)
            size += 8 + 2 + label.requestID.utf8.count + 1
            switch label.groundTruth {
            case .number(let value):
                if !value.isFinite { throw ProtocolError(.nonFiniteValue(.labelNumber), at: nil) }
                size += 8
            case .classLabel(let name):
                try BatchHeader.checkString(name, .dictionaryEntry, allowEmpty: true)
                if index[name] == nil {
                    index[name] = UInt32(dictionary.count)
                    dictionary.append(name)
                    size += 2 + name.utf8.count
                }
                size += 4
            }
        }
        if dictionary.count > WireLimits.maxDictionaryEntries {
            throw ProtocolError(.countOutOfRange(.dictionaryCount, dictionary.count), at: nil)
        }
        if size > WireLimits.maxMessageBytes { throw ProtocolError(.messageTooLarge(size), at: nil) }
        return WireWriter.encode(size: size) { writer in
            writer.preamble(.labelBatch)
            header.write(to: &writer)
            writer.uint32(UInt32(truncatingIfNeeded: dictionary.count))
            for entry in dictionary { writer.string(entry) }
            writer.uint32(UInt32(truncatingIfNeeded: labels.count))
            for label in labels {
                writer.int64(label.timestamp)
                writer.string(label.requestID)
                switch label.groundTruth {
                case .number(let value):
                    writer.uint8(LabelKind.number.rawValue)
                    writer.double(value)
                case .classLabel(let name):
                    writer.uint8(LabelKind.classLabel.rawValue)
                    writer.uint32(index[name] ?? WireFormat.missingIndex)
                }
            }
        }
    }
}
