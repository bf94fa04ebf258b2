import DequeModule
import DriftProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The agent's write-ahead store of sealed batches: every batch is stamped with its sequence number and written
/// here before it is sent, and leaves only when the collector acknowledges it. It survives a collector outage and
/// the agent's own crash (a SIGKILL loses only what was not yet sealed); on restart the agent resends what it
/// holds, in sequence order.
///
/// On disk (docs/agent.md, "The spool"): a directory with `agent-id` (the agent id, fixed for the life of the
/// spool, since the collector de-duplicates by agent id and sequence), `acknowledged` (the highest contiguous
/// sequence the collector confirmed, a little-endian u64) and segment files `segment-<first sequence>.spool`, each
/// a run of records: a 32-byte record header (magic `DWS1`, u32 payload length, u64 sequence, u32 events,
/// u32 labels, u32 FNV-1a checksum of the payload) and the payload, one wire message. A torn record at the end of
/// the last segment (the process died mid-write) is cut off on recovery.
///
/// Bounded: when a new batch would take the spool past ``maxBytes`` it is refused, and the caller counts its
/// events as dropped (`spool_full`). Refusing the newest keeps sequence numbers free of gaps, which the
/// collector's cumulative acknowledgements need. Without a directory the same store lives in memory (the
/// in-process library's default), bounded the same way but lost with the process.
///
/// Not thread-safe: owned by the delivery worker.
struct Spool: Sendable {
    /// One stored batch.
    struct Record: Sendable, Equatable {
        let sequence: UInt64
        /// The first sequence of the segment that holds it (disk), or 0 (memory).
        let segment: UInt64
        let offset: Int
        let length: Int
        let events: Int
        let labels: Int
    }

    private struct Segment: Sendable {
        let first: UInt64
        let descriptor: Int32
        var size: Int
    }

    static let recordHeaderBytes = 32
    private static let magic: [UInt8] = Array("DWS1".utf8)

    /// The spool's directory, or nil for an in-memory spool.
    let directory: String?
    /// The most bytes stored (segment files, or payloads in memory).
    let maxBytes: Int
    /// The size at which a new segment file is started.
    let segmentBytes: Int
    /// The agent id this spool's sequence numbers belong to.
    let agentID: String

    /// Stored batches not yet acknowledged, in sequence order (their sequences are consecutive).
    private(set) var records: Deque<Record> = []
    /// The highest contiguous sequence the collector acknowledged.
    private(set) var acknowledged: UInt64 = 0
    /// The highest sequence ever stored.
    private(set) var lastSequence: UInt64 = 0
    /// Bytes stored now.
    private(set) var storedBytes = 0
    /// Events in stored, unacknowledged batches.
    private(set) var pendingEvents = 0
    /// Labels in stored, unacknowledged batches.
    private(set) var pendingLabels = 0
    /// Records cut off during recovery because they were torn or corrupt.
    private(set) var recoveredTornRecords = 0

    private var segments: [Segment] = []
    private var memoryPayloads: [UInt64: [UInt8]] = [:]
    private var acknowledgedDescriptor: Int32 = -1

    /// Opens (or creates) the spool in `directory`, recovering what a previous run left; nil keeps it in memory.
    /// - Parameters:
    ///   - directory: where to keep it; created when missing.
    ///   - maxBytes: the size bound.
    ///   - newAgentID: the agent id to use when the spool is new (an existing spool keeps its own).
    /// - Throws: ``AgentError`` when the directory cannot be created, read or written.
    init(directory: String?, maxBytes: Int, newAgentID: String) throws(AgentError) {
        self.directory = directory
        self.maxBytes = max(maxBytes, 64 * 1024)
        segmentBytes = min(4 * 1024 * 1024, max(self.maxBytes / 8, 16 * 1024))
        guard let directory else {
            agentID = newAgentID
            return
        }
        try Self.makeDirectory(directory)
        agentID = try Self.loadOrCreateAgentID(in: directory, newAgentID: newAgentID)
        acknowledgedDescriptor = try Self.open(directory + "/acknowledged", flags: O_RDWR | O_CREAT)
        var stored: UInt64 = 0
        if pread(acknowledgedDescriptor, &stored, 8, 0) == 8 { acknowledged = UInt64(littleEndian: stored) }
        lastSequence = acknowledged
        try recoverSegments(in: directory)
    }

    /// The sequence the next stored batch gets.
    var nextSequence: UInt64 { lastSequence + 1 }

    /// Stores `batch`, already stamped with ``nextSequence``; returns the stored record, or nil when the spool is
    /// full (nothing is stored and the sequence stays unused).
    mutating func store(_ stamped: SealedBatch, sequence: UInt64) throws(AgentError) -> Record? {
        precondition(sequence == nextSequence, "spool sequences must run on without a gap")
        let recordBytes = Self.recordHeaderBytes + stamped.bytes.count
        guard storedBytes + recordBytes <= maxBytes else { return nil }
        let record: Record
        if let directory {
            if segments.isEmpty || segments[segments.count - 1].size + recordBytes > segmentBytes {
                try startSegment(first: sequence, in: directory)
            }
            let index = segments.count - 1
            var frame = Self.recordHeader(sequence: sequence, batch: stamped)
            frame.append(contentsOf: stamped.bytes)
            try Self.writeAll(segments[index].descriptor, frame, at: segments[index].size)
            record = Record(
                sequence: sequence,
                segment: segments[index].first,
                offset: segments[index].size + Self.recordHeaderBytes,
                length: stamped.bytes.count,
                events: stamped.events,
                labels: stamped.labels
            )
            segments[index].size += recordBytes
        } else {
            memoryPayloads[sequence] = stamped.bytes
            record = Record(
                sequence: sequence,
                segment: 0,
                offset: 0,
                length: stamped.bytes.count,
                events: stamped.events,
                labels: stamped.labels
            )
        }
        storedBytes += recordBytes
        pendingEvents += record.events
        pendingLabels += record.labels
        records.append(record)
        lastSequence = sequence
        return record
    }

    /// The record for `sequence`, if it is stored and unacknowledged.
    func record(_ sequence: UInt64) -> Record? {
        guard let first = records.first, sequence >= first.sequence else { return nil }
        let index = Int(sequence - first.sequence)
        return index < records.count ? records[index] : nil
    }

    /// The stored wire message of `record`.
    func payload(of record: Record) throws(AgentError) -> [UInt8] {
        guard directory != nil else { return memoryPayloads[record.sequence] ?? [] }
        guard let segment = segments.first(where: { $0.first == record.segment }) else {
            throw AgentError(.spoolCorrupt, "segment \(record.segment) of sequence \(record.sequence) is gone")
        }
        var bytes = [UInt8](repeating: 0, count: record.length)
        let read = bytes.withUnsafeMutableBytes {
            pread(segment.descriptor, $0.baseAddress, record.length, off_t(record.offset))
        }
        guard read == record.length else {
            throw AgentError(.spoolIO, "reading sequence \(record.sequence): \(String(cString: strerror(errno)))")
        }
        return bytes
    }

    /// Releases every batch up to `sequence` (the collector stored 1…`sequence`): acknowledged records leave the
    /// index, and segment files whose records are all acknowledged are deleted. Returns the released records.
    @discardableResult
    mutating func acknowledge(upTo sequence: UInt64) -> [Record] {
        let sequence = min(sequence, lastSequence)
        guard sequence > acknowledged else { return [] }
        acknowledged = sequence
        var released: [Record] = []
        while let first = records.first, first.sequence <= sequence {
            released.append(records.removeFirst())
            pendingEvents -= first.events
            pendingLabels -= first.labels
            if directory == nil {
                memoryPayloads[first.sequence] = nil
                storedBytes -= Self.recordHeaderBytes + first.length
            }
        }
        if directory != nil {
            var stored = sequence.littleEndian
            _ = pwrite(acknowledgedDescriptor, &stored, 8, 0)
            deleteAcknowledgedSegments()
        }
        return released
    }

    /// Closes the spool's files (the directory stays for the next run).
    mutating func close() {
        for segment in segments { _ = Glibc.close(segment.descriptor) }
        segments.removeAll()
        if acknowledgedDescriptor >= 0 { _ = Glibc.close(acknowledgedDescriptor) }
        acknowledgedDescriptor = -1
    }

    // MARK: - Segments

    private mutating func startSegment(first: UInt64, in directory: String) throws(AgentError) {
        let path = directory + "/" + Self.segmentName(first)
        let descriptor = try Self.open(path, flags: O_RDWR | O_CREAT | O_TRUNC)
        segments.append(Segment(first: first, descriptor: descriptor, size: 0))
        deleteAcknowledgedSegments()
    }

    /// Deletes every segment but the one being written whose records are all acknowledged.
    private mutating func deleteAcknowledgedSegments() {
        guard let directory else { return }
        while segments.count > 1 {
            // Every record of segment 0 precedes segment 1's first sequence.
            guard segments[1].first <= acknowledged + 1 else { return }
            let segment = segments.removeFirst()
            _ = Glibc.close(segment.descriptor)
            _ = unlink(directory + "/" + Self.segmentName(segment.first))
            storedBytes -= segment.size
        }
    }

    private mutating func recoverSegments(in directory: String) throws(AgentError) {
        let firsts = try Self.segmentFirsts(in: directory)
        var previous: UInt64?
        for (position, first) in firsts.enumerated() {
            let path = directory + "/" + Self.segmentName(first)
            let descriptor = try Self.open(path, flags: O_RDWR)
            let bytes = try Self.readAll(descriptor, path: path)
            var offset = 0
            var valid = true
            while offset < bytes.count {
                // Sequences run on without a gap across records and segments.
                guard let parsed = Self.parseRecord(bytes, at: offset),
                    previous.map({ parsed.sequence == $0 + 1 }) ?? true
                else {
                    valid = false
                    break
                }
                previous = parsed.sequence
                if parsed.sequence > acknowledged {
                    pendingEvents += parsed.events
                    pendingLabels += parsed.labels
                    records.append(
                        Record(
                            sequence: parsed.sequence,
                            segment: first,
                            offset: offset + Self.recordHeaderBytes,
                            length: parsed.length,
                            events: parsed.events,
                            labels: parsed.labels
                        )
                    )
                }
                lastSequence = max(lastSequence, parsed.sequence)
                offset += Self.recordHeaderBytes + parsed.length
            }
            if !valid {
                recoveredTornRecords += 1
                _ = ftruncate(descriptor, off_t(offset))
            }
            segments.append(Segment(first: first, descriptor: descriptor, size: offset))
            storedBytes += offset
            if !valid && position < firsts.count - 1 {
                // A later segment cannot continue a broken one: what follows would leave a gap.
                for later in firsts[(position + 1)...] { _ = unlink(directory + "/" + Self.segmentName(later)) }
                break
            }
        }
        deleteAcknowledgedSegments()
    }

    private struct ParsedRecord {
        let sequence: UInt64
        let length: Int
        let events: Int
        let labels: Int
    }

    private static func parseRecord(_ bytes: [UInt8], at offset: Int) -> ParsedRecord? {
        guard offset + recordHeaderBytes <= bytes.count, Array(bytes[offset..<(offset + 4)]) == magic else {
            return nil
        }
        let length = Int(readUInt32(bytes, offset + 4))
        let sequence = readUInt64(bytes, offset + 8)
        let events = Int(readUInt32(bytes, offset + 16))
        let labels = Int(readUInt32(bytes, offset + 20))
        let checksum = readUInt32(bytes, offset + 24)
        let start = offset + recordHeaderBytes
        guard sequence > 0, length <= WireLimits.maxMessageBytes, start + length <= bytes.count,
            fnv1a(bytes[start..<(start + length)]) == checksum
        else { return nil }
        return ParsedRecord(sequence: sequence, length: length, events: events, labels: labels)
    }

    private static func recordHeader(sequence: UInt64, batch: SealedBatch) -> [UInt8] {
        var header = magic
        header.reserveCapacity(recordHeaderBytes + batch.bytes.count)
        appendLittleEndian(&header, UInt32(batch.bytes.count))
        appendLittleEndian(&header, sequence)
        appendLittleEndian(&header, UInt32(batch.events))
        appendLittleEndian(&header, UInt32(batch.labels))
        appendLittleEndian(&header, fnv1a(batch.bytes[...]))
        appendLittleEndian(&header, UInt32(0))
        return header
    }

    /// 32-bit FNV-1a: enough to tell a torn or overwritten record from a whole one.
    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return hash
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private static func readUInt64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    static func segmentName(_ first: UInt64) -> String {
        let digits = String(first)
        return "segment-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".spool"
    }

    // MARK: - Files

    private static func makeDirectory(_ path: String) throws(AgentError) {
        var components: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            components.append(String(part))
            let prefix = components.joined(separator: "/")
            guard !prefix.isEmpty else { continue }
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw AgentError(
                    .spoolIO,
                    "cannot create spool directory \(prefix): \(String(cString: strerror(errno)))"
                )
            }
        }
    }

    private static func loadOrCreateAgentID(in directory: String, newAgentID: String) throws(AgentError) -> String {
        let path = directory + "/agent-id"
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            defer { _ = Glibc.close(descriptor) }
            let bytes = try readAll(descriptor, path: path)
            let id = String(String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace).first ?? "")
            guard !id.isEmpty, id.utf8.count <= WireLimits.maxStringBytes else {
                throw AgentError(.spoolCorrupt, "\(path) does not hold an agent id; delete the spool to start anew")
            }
            return id
        }
        let created = try open(path, flags: O_WRONLY | O_CREAT | O_EXCL)
        defer { _ = Glibc.close(created) }
        try writeAll(created, Array((newAgentID + "\n").utf8), at: 0)
        return newAgentID
    }

    private static func segmentFirsts(in directory: String) throws(AgentError) -> [UInt64] {
        guard let handle = opendir(directory) else {
            throw AgentError(.spoolIO, "cannot list \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        var firsts: [UInt64] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix("segment-"), name.hasSuffix(".spool"),
                let first = UInt64(name.dropFirst(8).dropLast(6))
            else { continue }
            firsts.append(first)
        }
        return firsts.sorted()
    }

    private static func open(_ path: String, flags: Int32) throws(AgentError) -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AgentError(.spoolIO, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    private static func readAll(_ descriptor: Int32, path: String) throws(AgentError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw AgentError(.spoolIO, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], at offset: Int) throws(AgentError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pwrite(descriptor, base + written, raw.count - written, off_t(offset + written))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw AgentError(.spoolIO, "cannot write the spool: \(String(cString: strerror(errno)))")
            }
            written += count
        }
    }
}
