import Foundation

/// Reads a capture file (docs/capture.md) into records.
///
/// A file whose last record is cut short (the recorder was killed mid-write) is read up to the last whole record;
/// ``truncatedBytes`` says how much was left over. Anything else that breaks the format is an error naming the
/// file and the record's offset.
public struct CaptureReader: Sendable {
    /// The records in file order.
    public let records: [CaptureRecord]
    /// The minor version the file was written with.
    public let minorVersion: UInt16
    /// Bytes after the last whole record (0 for a file closed cleanly).
    public let truncatedBytes: Int

    /// Whether `bytes` start with the capture magic.
    /// - Parameter bytes: the first bytes of a file.
    public static func isCapture(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.count >= CaptureFormat.magic.count
            && Array(bytes.prefix(CaptureFormat.magic.count)) == CaptureFormat.magic
    }

    /// Reads the file at `path`.
    /// - Parameter path: the capture file.
    /// - Throws: ``ReplayError`` `io`, `not_a_capture` or `corrupt_capture`.
    public init(path: String) throws(ReplayError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReplayError(.io, "cannot read \(path)")
        }
        try self.init(bytes: [UInt8](data), name: path)
    }

    /// Parses capture bytes.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - name: the file name, for messages.
    /// - Throws: ``ReplayError`` `not_a_capture` or `corrupt_capture`.
    /// - Complexity: O(bytes); one allocation per record.
    public init(bytes: [UInt8], name: String) throws(ReplayError) {
        guard bytes.count >= CaptureFormat.fileHeaderBytes, Self.isCapture(bytes) else {
            throw ReplayError(.notACapture, "\(name) is not a driftwatch capture (no DWCAPTUR header)")
        }
        let major = UInt16(bytes[8]) | UInt16(bytes[9]) << 8
        guard major == CaptureFormat.majorVersion else {
            throw ReplayError(
                .notACapture,
                "\(name) is a capture of version \(major).x; this build reads \(CaptureFormat.majorVersion).x"
            )
        }
        minorVersion = UInt16(bytes[10]) | UInt16(bytes[11]) << 8
        var records: [CaptureRecord] = []
        var offset = CaptureFormat.fileHeaderBytes
        while bytes.count - offset >= CaptureFormat.recordHeaderBytes {
            var time: UInt64 = 0
            for index in 0..<8 { time |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
            var length = 0
            for index in 0..<4 { length |= Int(bytes[offset + 8 + index]) << (8 * index) }
            guard length <= CaptureFormat.maxMessageBytes else {
                throw ReplayError(
                    .corruptCapture,
                    "\(name): the record at byte \(offset) claims \(length) bytes (the limit is 16 MiB)"
                )
            }
            let channel = CaptureChannel(rawValue: bytes[offset + 12]) ?? .acknowledged
            let start = offset + CaptureFormat.recordHeaderBytes
            guard bytes.count - start >= length else { break }
            records.append(
                CaptureRecord(
                    arrivalTime: Int64(bitPattern: time),
                    channel: channel,
                    message: Array(bytes[start..<start + length])
                )
            )
            offset = start + length
        }
        self.records = records
        truncatedBytes = bytes.count - offset
    }
}
