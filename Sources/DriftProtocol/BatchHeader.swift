/// The header of an event or label batch: who sent it, in which order, and for which model.
public struct BatchHeader: Sendable, Hashable {
    /// The sending agent's id (1 to ``WireLimits/maxStringBytes`` UTF-8 bytes). Sequence numbers are per agent id.
    public var agentID: String
    /// The batch's sequence number in the agent's sequence (starts at 1; 0 is never sent).
    public var sequence: UInt64
    /// The model name (non-empty).
    public var model: String
    /// The model version (may be empty for an unversioned model).
    public var modelVersion: String

    /// Creates a header.
    /// - Parameters:
    ///   - agentID: the sending agent's id.
    ///   - sequence: the batch's sequence number, from 1.
    ///   - model: the model name.
    ///   - modelVersion: the model version, or empty.
    public init(agentID: String, sequence: UInt64, model: String, modelVersion: String) {
        self.agentID = agentID
        self.sequence = sequence
        self.model = model
        self.modelVersion = modelVersion
    }

    /// Checks the header against the limits of the wire format.
    /// - Throws: ``ProtocolError`` with a `nil` offset when a string is empty or too long, or the sequence is 0.
    func validate() throws(ProtocolError) {
        try Self.checkString(agentID, .agentID, allowEmpty: false)
        if sequence == 0 { throw ProtocolError(.valueOutOfRange(.sequence), at: nil) }
        try Self.checkString(model, .modelName, allowEmpty: false)
        try Self.checkString(modelVersion, .modelVersion, allowEmpty: true)
    }

    static func checkString(_ value: String, _ field: WireField, allowEmpty: Bool) throws(ProtocolError) {
        let length = value.utf8.count
        if length > WireLimits.maxStringBytes || (length == 0 && !allowEmpty) {
            throw ProtocolError(.lengthOutOfRange(field, length), at: nil)
        }
    }

    /// Encoded size of the header, in bytes.
    var encodedSize: Int { 2 + agentID.utf8.count + 8 + 2 + model.utf8.count + 2 + modelVersion.utf8.count }

    func write(to writer: inout WireWriter) {
        writer.string(agentID)
        writer.uint64(sequence)
        writer.string(model)
        writer.string(modelVersion)
    }

    static func read(from reader: inout WireReader) throws(ProtocolError) -> BatchHeader {
        let agentID = try reader.readString(.agentID, allowEmpty: false)
        let sequenceOffset = reader.offset
        let sequence = try reader.readUInt64(.sequence)
        if sequence == 0 { throw ProtocolError(.valueOutOfRange(.sequence), at: sequenceOffset) }
        let model = try reader.readString(.modelName, allowEmpty: false)
        let modelVersion = try reader.readString(.modelVersion, allowEmpty: true)
        return BatchHeader(agentID: agentID, sequence: sequence, model: model, modelVersion: modelVersion)
    }
}
