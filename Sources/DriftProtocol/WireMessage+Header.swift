extension WireMessage {
    /// Reads only the preamble and the batch header (agent id, sequence, model, version) of an event or label
    /// batch, without decoding the rest.
    ///
    /// A receiver uses it to acknowledge a batch whose body turned out to be malformed (docs/protocol.md,
    /// "Sequence numbers and acknowledgements"), so that the producer does not resend a poison batch forever.
    /// - Parameter bytes: one whole message.
    /// - Returns: the message type and the batch header.
    /// - Throws: ``ProtocolError`` when the preamble or header cannot be read, or the message is an acknowledgement.
    public static func batchHeader(
        of bytes: UnsafeRawBufferPointer
    ) throws(ProtocolError) -> (type: MessageType, header: BatchHeader) {
        var reader = WireReader(bytes)
        let (type, _) = try reader.readPreamble()
        guard type != .acknowledgement else {
            throw ProtocolError(.unexpectedMessageType(expected: .eventBatch, found: type), at: 6)
        }
        return (type, try BatchHeader.read(from: &reader))
    }
}
