import Foundation

/// Writes capture files (docs/capture.md) with rotation and a size limit.
///
/// Files are named `<stem>-000001.dwcap`, `<stem>-000002.dwcap`, … in the output directory; a file is closed when
/// the next record would take it past ``maxFileBytes`` and the next one is opened. With ``maxFiles`` set, the
/// oldest files are deleted so that at most that many remain: the capture is bounded by about
/// `maxFileBytes × maxFiles`. Owned by one thread (not `Sendable`).
public final class CaptureWriter {
    /// The directory files are written to.
    public let directory: String
    /// The file-name stem.
    public let stem: String
    /// The size at which a file is rotated (a single record larger than this still gets a file of its own).
    public let maxFileBytes: Int
    /// The most files kept (0 = no limit).
    public let maxFiles: Int

    private let fixedPath: String?
    private var handle: FileHandle?
    private var fileBytes = 0
    private var index = 0
    /// Every file written and not deleted, oldest first.
    public private(set) var files: [String] = []
    /// Records written.
    public private(set) var recordsWritten = 0
    /// Bytes written, headers included, across all files (deleted ones too).
    public private(set) var bytesWritten = 0
    /// Files deleted to respect ``maxFiles``.
    public private(set) var filesDeleted = 0

    /// Prepares a writer; the first file is created with the first record.
    /// - Parameters:
    ///   - directory: the output directory (created when missing).
    ///   - stem: the file-name stem.
    ///   - maxFileBytes: rotation size (≥ 1 KiB).
    ///   - maxFiles: files kept (0 = all).
    /// - Throws: ``ReplayError`` `invalid_configuration` or `io`.
    public init(directory: String, stem: String, maxFileBytes: Int, maxFiles: Int) throws(ReplayError) {
        guard maxFileBytes >= 1024 else {
            throw ReplayError(.invalidConfiguration, "the rotation size must be at least 1024 bytes")
        }
        guard maxFiles >= 0, !stem.isEmpty, !stem.contains("/") else {
            throw ReplayError(.invalidConfiguration, "the file stem must be a plain name and max files ≥ 0")
        }
        self.directory = directory
        self.stem = stem
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
        fixedPath = nil
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReplayError(.io, "cannot create \(directory): \(error)")
        }
    }

    /// Prepares a writer of exactly one file at `path` (no rotation), replacing what is there.
    /// - Parameter path: the capture file.
    public init(path: String) {
        let url = URL(fileURLWithPath: path)
        directory = url.deletingLastPathComponent().path
        stem = url.deletingPathExtension().lastPathComponent
        maxFileBytes = Int.max
        maxFiles = 0
        fixedPath = path
    }

    /// Appends one record, rotating first when it would not fit.
    /// - Parameter record: the record.
    /// - Throws: ``ReplayError`` `io`.
    public func write(_ record: CaptureRecord) throws(ReplayError) {
        let bytes = record.encoded()
        if handle == nil || (fileBytes + bytes.count > maxFileBytes && fileBytes > CaptureFormat.fileHeaderBytes) {
            try rotate()
        }
        guard let handle else { return }
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            throw ReplayError(.io, "cannot write to \(files.last ?? directory): \(error)")
        }
        fileBytes += bytes.count
        bytesWritten += bytes.count
        recordsWritten += 1
    }

    /// Flushes and closes the current file.
    public func close() {
        try? handle?.synchronize()
        try? handle?.close()
        handle = nil
    }

    private func rotate() throws(ReplayError) {
        close()
        index += 1
        let path = fixedPath ?? "\(directory)/\(stem)-\(String(format: "%06d", index)).dwcap"
        guard FileManager.default.createFile(atPath: path, contents: Data(CaptureFormat.fileHeader)),
            let opened = FileHandle(forWritingAtPath: path)
        else {
            throw ReplayError(.io, "cannot create \(path)")
        }
        do {
            _ = try opened.seekToEnd()
        } catch {
            throw ReplayError(.io, "cannot write to \(path): \(error)")
        }
        handle = opened
        fileBytes = CaptureFormat.fileHeaderBytes
        bytesWritten += CaptureFormat.fileHeaderBytes
        files.append(path)
        while maxFiles > 0 && files.count > maxFiles {
            try? FileManager.default.removeItem(atPath: files.removeFirst())
            filesDeleted += 1
        }
    }
}
