/// The collector's acknowledgement to one agent (message type 3, collector → agent).
///
/// Says that every batch of the agent with sequence number 1 through ``highestContiguousSequence`` has been
/// received and stored; the agent may drop those from its spool. 0 means nothing has been received yet.
public struct Acknowledgement: Sendable, Hashable {
    /// The agent the acknowledgement is for.
    public var agentID: String
    /// The highest N such that all batches 1...N from the agent were received.
    public var highestContiguousSequence: UInt64

    /// Creates an acknowledgement.
    /// - Parameters:
    ///   - agentID: the agent id (non-empty).
    ///   - highestContiguousSequence: the highest contiguous sequence number received.
    public init(agentID: String, highestContiguousSequence: UInt64) {
        self.agentID = agentID
        self.highestContiguousSequence = highestContiguousSequence
    }

    /// Decodes an acknowledgement message.
    /// - Parameter bytes: one whole message.
    /// - Throws: ``ProtocolError`` naming the field and byte offset.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(ProtocolError) {
        var reader = WireReader(bytes)
        let minor = try reader.readPreamble(expecting: .acknowledgement)
        agentID = try reader.readString(.agentID, allowEmpty: false)
        highestContiguousSequence = try reader.readUInt64(.acknowledgedSequence)
        try reader.finish(minor: minor)
    }

    /// Decodes an acknowledgement message held in an array.
    /// - Parameter bytes: one whole message.
    /// - Throws: ``ProtocolError`` naming the field and byte offset.
    public init(decoding bytes: [UInt8]) throws(ProtocolError) {
        var result: Result<Acknowledgement, ProtocolError> = .failure(ProtocolError(.truncated(.magic), at: 0))
        bytes.withUnsafeBytes { raw in
            do throws(ProtocolError) {
                result = .success(try Acknowledgement(decoding: raw))
            } catch {
                result = .failure(error)
            }
        }
        self = try result.get()
    }

    /// Encodes the acknowledgement.
    /// - Returns: the message bytes.
    /// - Throws: ``ProtocolError`` (offset `nil`) when the agent id is empty or too long.
    public func encoded() throws(ProtocolError) -> [UInt8] {
        try BatchHeader.checkString(agentID, .agentID, allowEmpty: false)
        return WireWriter.encode(size: WireFormat.preambleBytes + 2 + agentID.utf8.count + 8) { writer in
            writer.preamble(.acknowledgement)
            writer.string(agentID)
            writer.uint64(highestContiguousSequence)
        }
    }
}
