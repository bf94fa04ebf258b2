/// The one error type of `DriftProtocol`: what was wrong with a message, and where.
///
/// Decoding is total: every byte string either decodes or throws exactly one `ProtocolError`, whose ``reason``
/// names the field and whose ``offset`` is the byte offset (from the start of the message) at which the offending
/// element begins. Errors raised while *building* a batch (not from bytes) have a `nil` offset.
public struct ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Hashable {
        /// The message ended inside the named field.
        case truncated(WireField)
        /// The message is larger than ``WireLimits/maxMessageBytes``; the payload is the size.
        case messageTooLarge(Int)
        /// The first four bytes are not `DRFW`.
        case badMagic
        /// The major version is not 1; the payload is the major and minor version found.
        case unsupportedVersion(major: UInt8, minor: UInt8)
        /// An enumerated byte (message type, feature kind, prediction kind, label kind) has an unknown value.
        case invalidEnumValue(WireField, UInt8)
        /// The message is valid but of another type than the one asked for.
        case unexpectedMessageType(expected: MessageType, found: MessageType)
        /// Bits that v1.0 reserves are set in a flags byte.
        case reservedBitsSet(WireField, UInt8)
        /// A count is above its limit (or zero where at least one element is required).
        case countOutOfRange(WireField, Int)
        /// A string's length is above ``WireLimits/maxStringBytes`` (or zero where a non-empty string is required).
        case lengthOutOfRange(WireField, Int)
        /// A string is not valid UTF-8; the offset is that of the first invalid byte.
        case invalidUTF8(WireField)
        /// A name occurs twice in the schema or in the custom-metric names.
        case duplicateName(WireField, String)
        /// A floating-point value is NaN or infinite where it must be finite.
        case nonFiniteValue(WireField)
        /// A value is outside its documented range (negative latency, probability outside [0, 1], sequence 0).
        case valueOutOfRange(WireField)
        /// A dictionary index is not below the dictionary size (and is not the missing marker where allowed).
        case dictionaryIndexOutOfRange(WireField, UInt32)
        /// Bytes remain after the last field of a v1.0 message; the payload is how many.
        case trailingBytes(Int)
        /// A value given to a builder does not match the batch schema: field, expected count, given count.
        case schemaMismatch(WireField, expected: Int, found: Int)
        /// A JSON body (alert or trigger) could not be encoded or decoded; the payload describes why.
        case invalidJSON(String)
    }

    /// What was wrong.
    public let reason: Reason
    /// Byte offset of the offending element from the start of the message, or `nil` for builder errors.
    public let offset: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - reason: what was wrong.
    ///   - offset: where, in bytes from the start of the message; `nil` when not decoding.
    public init(_ reason: Reason, at offset: Int?) {
        self.reason = reason
        self.offset = offset
    }

    /// A stable, machine-readable code such as `truncated` or `invalid_utf8` (listed in `docs/protocol.md`).
    public var code: String {
        switch reason {
        case .truncated: "truncated"
        case .messageTooLarge: "message_too_large"
        case .badMagic: "bad_magic"
        case .unsupportedVersion: "unsupported_version"
        case .invalidEnumValue: "invalid_enum_value"
        case .unexpectedMessageType: "unexpected_message_type"
        case .reservedBitsSet: "reserved_bits_set"
        case .countOutOfRange: "count_out_of_range"
        case .lengthOutOfRange: "length_out_of_range"
        case .invalidUTF8: "invalid_utf8"
        case .duplicateName: "duplicate_name"
        case .nonFiniteValue: "non_finite_value"
        case .valueOutOfRange: "value_out_of_range"
        case .dictionaryIndexOutOfRange: "dictionary_index_out_of_range"
        case .trailingBytes: "trailing_bytes"
        case .schemaMismatch: "schema_mismatch"
        case .invalidJSON: "invalid_json"
        }
    }

    /// The field the error is about, when there is one.
    public var field: WireField? {
        switch reason {
        case .truncated(let field), .invalidEnumValue(let field, _), .reservedBitsSet(let field, _),
            .countOutOfRange(let field, _), .lengthOutOfRange(let field, _), .invalidUTF8(let field),
            .duplicateName(let field, _), .nonFiniteValue(let field), .valueOutOfRange(let field),
            .dictionaryIndexOutOfRange(let field, _), .schemaMismatch(let field, _, _):
            field
        case .messageTooLarge: .message
        case .badMagic: .magic
        case .unsupportedVersion: .version
        case .unexpectedMessageType: .messageType
        case .trailingBytes, .invalidJSON: .message
        }
    }

    /// A human-readable sentence describing the error.
    public var message: String {
        let subject = field.map { "\($0.rawValue)" } ?? "message"
        let detail: String
        switch reason {
        case .truncated: detail = "message ends inside \(subject)"
        case .messageTooLarge(let size):
            detail = "message of \(size) bytes exceeds the limit of \(WireLimits.maxMessageBytes) bytes"
        case .badMagic: detail = "message does not start with the magic bytes DRFW"
        case .unsupportedVersion(let major, let minor):
            detail = "unsupported protocol version \(major).\(minor) (this decoder speaks major version 1)"
        case .invalidEnumValue(_, let value): detail = "\(subject) has unknown value \(value)"
        case .unexpectedMessageType(let expected, let found):
            detail = "expected a \(expected) message, found a \(found) message"
        case .reservedBitsSet(_, let value): detail = "\(subject) 0x\(String(value, radix: 16)) sets reserved bits"
        case .countOutOfRange(_, let count): detail = "\(subject) \(count) is out of range"
        case .lengthOutOfRange(_, let length): detail = "\(subject) length \(length) is out of range"
        case .invalidUTF8: detail = "\(subject) is not valid UTF-8"
        case .duplicateName(_, let name): detail = "\(subject) \"\(name)\" occurs more than once"
        case .nonFiniteValue: detail = "\(subject) must be finite"
        case .valueOutOfRange: detail = "\(subject) is out of its allowed range"
        case .dictionaryIndexOutOfRange(_, let index): detail = "\(subject) index \(index) is not in the dictionary"
        case .trailingBytes(let count): detail = "\(count) bytes follow the end of a v1.0 message"
        case .schemaMismatch(_, let expected, let found):
            detail = "\(subject) count \(found) does not match the schema's \(expected)"
        case .invalidJSON(let why): detail = "invalid JSON body: \(why)"
        }
        if let offset { return "\(detail) (at byte \(offset))" }
        return detail
    }

    /// ``code`` and ``message`` together.
    public var description: String { "\(code): \(message)" }
}
