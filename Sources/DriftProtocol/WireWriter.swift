/// A little-endian writer into a buffer of exactly the encoded size.
///
/// Encoders compute the exact size first and write with ``WireWriter/encode(size:_:)``, so the output is allocated
/// once and no write is bounds-checked twice. Writing past `size` is a programmer error (precondition).
struct WireWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var offset: Int = 0

    /// Allocates `size` bytes, runs `body` to fill them and returns them.
    static func encode(size: Int, _ body: (inout WireWriter) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { storage, initialized in
            var writer = WireWriter(buffer: UnsafeMutableRawBufferPointer(storage))
            body(&writer)
            precondition(writer.offset == size, "encoded size does not match the computed size")
            initialized = writer.offset
        }
    }

    @inline(__always)
    mutating func uint8(_ value: UInt8) {
        precondition(offset < buffer.count)
        buffer.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
        offset &+= 1
    }

    @inline(__always)
    mutating func uint16(_ value: UInt16) {
        precondition(offset &+ 2 <= buffer.count)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt16.self)
        offset &+= 2
    }

    @inline(__always)
    mutating func uint32(_ value: UInt32) {
        precondition(offset &+ 4 <= buffer.count)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
        offset &+= 4
    }

    @inline(__always)
    mutating func uint64(_ value: UInt64) {
        precondition(offset &+ 8 <= buffer.count)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
        offset &+= 8
    }

    @inline(__always)
    mutating func int64(_ value: Int64) { uint64(UInt64(bitPattern: value)) }

    @inline(__always)
    mutating func double(_ value: Double) { uint64(value.bitPattern) }

    /// Writes raw bytes.
    @inline(__always)
    mutating func bytes(_ source: UnsafeRawBufferPointer) {
        precondition(offset &+ source.count <= buffer.count)
        if source.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset &+ source.count)]).copyMemory(from: source)
        }
        offset &+= source.count
    }

    /// Writes a string as a `UInt16` byte length and its UTF-8 bytes. The caller has checked the length.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            uint16(UInt16(truncatingIfNeeded: utf8.count))
            bytes(UnsafeRawBufferPointer(utf8))
        }
    }

    /// Writes the 8-byte preamble.
    mutating func preamble(_ type: MessageType) {
        let magic = WireFormat.magic
        uint8(magic.0)
        uint8(magic.1)
        uint8(magic.2)
        uint8(magic.3)
        uint8(WireFormat.majorVersion)
        uint8(WireFormat.minorVersion)
        uint8(type.rawValue)
        uint8(0)
    }
}
