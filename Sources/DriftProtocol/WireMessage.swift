/// Any v1 message, for a socket that carries several message types (the collector's ingest socket).
public enum WireMessage: Sendable, Equatable {
    /// An event batch.
    case events(EventBatch)
    /// A label batch.
    case labels(LabelBatch)
    /// An acknowledgement.
    case acknowledgement(Acknowledgement)

    /// Decodes one message of any type, after checking its preamble.
    /// - Parameter bytes: one whole message.
    /// - Throws: ``ProtocolError`` naming the field and byte offset.
    /// - Complexity: O(`bytes.count`).
    public init(decoding bytes: UnsafeRawBufferPointer) throws(ProtocolError) {
        switch try Self.messageType(of: bytes) {
        case .eventBatch: self = .events(try EventBatch(decoding: bytes))
        case .labelBatch: self = .labels(try LabelBatch(decoding: bytes))
        case .acknowledgement: self = .acknowledgement(try Acknowledgement(decoding: bytes))
        }
    }

    /// Decodes one message of any type held in an array.
    /// - Parameter bytes: one whole message.
    /// - Throws: ``ProtocolError`` naming the field and byte offset.
    public init(decoding bytes: [UInt8]) throws(ProtocolError) {
        var result: Result<WireMessage, ProtocolError> = .failure(ProtocolError(.truncated(.magic), at: 0))
        bytes.withUnsafeBytes { raw in
            do throws(ProtocolError) {
                result = .success(try WireMessage(decoding: raw))
            } catch {
                result = .failure(error)
            }
        }
        self = try result.get()
    }

    /// Reads and checks only the 8-byte preamble and returns the message type.
    /// - Parameter bytes: the message (at least its first 8 bytes).
    /// - Throws: ``ProtocolError`` for a short preamble, bad magic, unsupported version, unknown type or reserved
    ///   flags.
    public static func messageType(of bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> MessageType {
        var reader = WireReader(bytes)
        return try reader.readPreamble().type
    }
}
