/// Constants of the capture file format, version 1.0 (docs/capture.md).
///
/// A capture is a 16-byte file header followed by records. File header: the 8 ASCII bytes `DWCAPTUR`, the major
/// and minor version as little-endian u16, and 4 reserved bytes (zero). Record: the arrival time as a
/// little-endian i64 (ns since the Unix epoch), the message length as a little-endian u32, the channel (u8), 3
/// reserved bytes (zero), then the message: one wire-protocol message exactly as it was received.
public enum CaptureFormat {
    /// The file magic, `DWCAPTUR`.
    public static let magic: [UInt8] = Array("DWCAPTUR".utf8)
    /// The major version this build writes and reads (readers refuse another major version).
    public static let majorVersion: UInt16 = 1
    /// The minor version this build writes (readers accept any minor version of their major).
    public static let minorVersion: UInt16 = 0
    /// Bytes in the file header.
    public static let fileHeaderBytes = 16
    /// Bytes in a record header.
    public static let recordHeaderBytes = 16
    /// The largest message a record may hold: the wire protocol's 16 MiB message limit.
    public static let maxMessageBytes = 16 * 1024 * 1024

    /// The file header for this build's version.
    public static var fileHeader: [UInt8] {
        var bytes = magic
        bytes += [UInt8(truncatingIfNeeded: majorVersion), UInt8(truncatingIfNeeded: majorVersion >> 8)]
        bytes += [UInt8(truncatingIfNeeded: minorVersion), UInt8(truncatingIfNeeded: minorVersion >> 8)]
        bytes += [0, 0, 0, 0]
        return bytes
    }
}

/// The socket a captured message arrived on.
public enum CaptureChannel: UInt8, Sendable, Hashable, Codable {
    /// The acknowledged ROUTER endpoint (agents' DEALER sockets).
    case acknowledged = 0
    /// The fire-and-forget PULL endpoint (PUSH producers).
    case pull = 1
}

/// One captured message with its arrival time.
public struct CaptureRecord: Sendable, Hashable {
    /// When the message arrived, ns since the Unix epoch (the recorder's wall clock; the event time of sending for
    /// `driftwatch simulate --capture`).
    public var arrivalTime: Int64
    /// The socket it arrived on.
    public var channel: CaptureChannel
    /// One wire-protocol message, byte for byte.
    public var message: [UInt8]

    /// Creates a record.
    /// - Parameters:
    ///   - arrivalTime: arrival time, ns since the Unix epoch.
    ///   - channel: the socket it arrived on.
    ///   - message: the wire message.
    public init(arrivalTime: Int64, channel: CaptureChannel = .acknowledged, message: [UInt8]) {
        self.arrivalTime = arrivalTime
        self.channel = channel
        self.message = message
    }

    /// The record's encoding: its 16-byte header and the message.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(CaptureFormat.recordHeaderBytes + message.count)
        let time = UInt64(bitPattern: arrivalTime)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: time >> UInt64(shift))) }
        let length = UInt32(truncatingIfNeeded: message.count)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        bytes += [channel.rawValue, 0, 0, 0]
        bytes += message
        return bytes
    }
}
