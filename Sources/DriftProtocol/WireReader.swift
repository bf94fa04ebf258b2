/// A bounds-checked little-endian cursor over one message.
///
/// Every read checks the remaining length first and throws ``ProtocolError/Reason/truncated(_:)`` naming the field
/// and the offset at which it starts; the `unchecked` reads are for hot loops that have already checked a whole
/// block with ``require(_:_:)``.
struct WireReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count &- offset }

    @inline(__always)
    func require(_ length: Int, _ field: WireField) throws(ProtocolError) {
        if length > bytes.count &- offset { throw ProtocolError(.truncated(field), at: offset) }
    }

    /// Throws `truncated` for the first element of `elementSize` bytes that does not fit, when `count` such elements
    /// do not all fit.
    @inline(__always)
    func requireElements(_ count: Int, size elementSize: Int, _ field: WireField) throws(ProtocolError) {
        let available = bytes.count &- offset
        if count &* elementSize > available {
            throw ProtocolError(.truncated(field), at: offset &+ (available / elementSize) &* elementSize)
        }
    }

    @inline(__always)
    mutating func uncheckedUInt8() -> UInt8 {
        let value = bytes.load(fromByteOffset: offset, as: UInt8.self)
        offset &+= 1
        return value
    }

    @inline(__always)
    mutating func uncheckedUInt16() -> UInt16 {
        let value = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        offset &+= 2
        return value
    }

    @inline(__always)
    mutating func uncheckedUInt32() -> UInt32 {
        let value = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset &+= 4
        return value
    }

    @inline(__always)
    mutating func uncheckedUInt64() -> UInt64 {
        let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset &+= 8
        return value
    }

    @inline(__always)
    mutating func uncheckedDouble() -> Double { Double(bitPattern: uncheckedUInt64()) }

    @inline(__always)
    mutating func readUInt8(_ field: WireField) throws(ProtocolError) -> UInt8 {
        try require(1, field)
        return uncheckedUInt8()
    }

    @inline(__always)
    mutating func readUInt16(_ field: WireField) throws(ProtocolError) -> UInt16 {
        try require(2, field)
        return uncheckedUInt16()
    }

    @inline(__always)
    mutating func readUInt32(_ field: WireField) throws(ProtocolError) -> UInt32 {
        try require(4, field)
        return uncheckedUInt32()
    }

    @inline(__always)
    mutating func readUInt64(_ field: WireField) throws(ProtocolError) -> UInt64 {
        try require(8, field)
        return uncheckedUInt64()
    }

    @inline(__always)
    mutating func readInt64(_ field: WireField) throws(ProtocolError) -> Int64 {
        Int64(bitPattern: try readUInt64(field))
    }

    @inline(__always)
    mutating func readDouble(_ field: WireField) throws(ProtocolError) -> Double {
        Double(bitPattern: try readUInt64(field))
    }

    /// Reads a finite double.
    @inline(__always)
    mutating func readFiniteDouble(_ field: WireField) throws(ProtocolError) -> Double {
        let start = offset
        let value = try readDouble(field)
        if !value.isFinite { throw ProtocolError(.nonFiniteValue(field), at: start) }
        return value
    }

    /// Reads a count (`UInt16` or `UInt32` on the wire) and checks it against `range`.
    @inline(__always)
    mutating func readCount(
        _ field: WireField,
        wide: Bool,
        range: ClosedRange<Int>
    ) throws(ProtocolError) -> Int {
        let start = offset
        let count = wide ? Int(try readUInt32(field)) : Int(try readUInt16(field))
        if !range.contains(count) { throw ProtocolError(.countOutOfRange(field, count), at: start) }
        return count
    }

    /// Reads a length-prefixed UTF-8 string and returns where its bytes are, after checking length and encoding.
    @inline(__always)
    mutating func readStringSpan(
        _ field: WireField,
        allowEmpty: Bool
    ) throws(ProtocolError) -> (start: Int, count: Int) {
        let lengthOffset = offset
        let length = Int(try readUInt16(field))
        if length > WireLimits.maxStringBytes || (length == 0 && !allowEmpty) {
            throw ProtocolError(.lengthOutOfRange(field, length), at: lengthOffset)
        }
        try require(length, field)
        let start = offset
        if let bad = UTF8Validation.firstInvalidByte(in: bytes, start: start, count: length) {
            throw ProtocolError(.invalidUTF8(field), at: start &+ bad)
        }
        offset &+= length
        return (start, length)
    }

    /// Reads a length-prefixed UTF-8 string.
    mutating func readString(_ field: WireField, allowEmpty: Bool) throws(ProtocolError) -> String {
        let span = try readStringSpan(field, allowEmpty: allowEmpty)
        return String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[span.start..<(span.start + span.count)]),
            as: UTF8.self
        )
    }

    /// Reads and checks the 8-byte preamble; returns the message type and minor version.
    mutating func readPreamble() throws(ProtocolError) -> (type: MessageType, minor: UInt8) {
        if bytes.count > WireLimits.maxMessageBytes {
            throw ProtocolError(.messageTooLarge(bytes.count), at: 0)
        }
        try require(4, .magic)
        let magic = WireFormat.magic
        if bytes[0] != magic.0 || bytes[1] != magic.1 || bytes[2] != magic.2 || bytes[3] != magic.3 {
            throw ProtocolError(.badMagic, at: 0)
        }
        offset = 4
        try require(2, .version)
        let major = uncheckedUInt8()
        let minor = uncheckedUInt8()
        if major != WireFormat.majorVersion {
            throw ProtocolError(.unsupportedVersion(major: major, minor: minor), at: 4)
        }
        let rawType = try readUInt8(.messageType)
        guard let type = MessageType(rawValue: rawType) else {
            throw ProtocolError(.invalidEnumValue(.messageType, rawType), at: 6)
        }
        let flags = try readUInt8(.messageFlags)
        if flags != 0 && minor <= WireFormat.minorVersion {
            throw ProtocolError(.reservedBitsSet(.messageFlags, flags), at: 7)
        }
        return (type, minor)
    }

    /// Reads the preamble and checks that the message is of the `expected` type.
    mutating func readPreamble(expecting expected: MessageType) throws(ProtocolError) -> UInt8 {
        let (type, minor) = try readPreamble()
        if type != expected {
            throw ProtocolError(.unexpectedMessageType(expected: expected, found: type), at: 6)
        }
        return minor
    }

    /// Applies the versioning rule at the end of a message: trailing bytes are an error in v1.0 and ignored in later
    /// minor versions (which may only append fields).
    func finish(minor: UInt8) throws(ProtocolError) {
        if remaining > 0 && minor <= WireFormat.minorVersion {
            throw ProtocolError(.trailingBytes(remaining), at: offset)
        }
    }
}
