import DriftProtocol
import DriftReplay
import Foundation
import TestSupport
import Testing

@Suite("Capture format")
struct CaptureFormatTests {
    @Test("Records round-trip with their arrival times and channels; a cut-off last record is left out")
    func roundTrip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("one.dwcap").path
        let writer = CaptureWriter(path: path)
        let records = (0..<5).map {
            CaptureRecord(
                arrivalTime: 1_714_521_600_000_000_000 + Int64($0) * 7,
                channel: $0 % 2 == 0 ? .acknowledged : .pull,
                message: Array(repeating: UInt8($0), count: $0 * 3)
            )
        }
        for record in records { try writer.write(record) }
        writer.close()
        let read = try CaptureReader(path: path)
        #expect(read.records == records)
        #expect(read.truncatedBytes == 0)
        #expect(read.minorVersion == 0)

        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes.prefix(8)) == Array("DWCAPTUR".utf8))
        bytes.removeLast(2)
        let cut = try CaptureReader(bytes: bytes, name: "cut")
        #expect(cut.records == Array(records.prefix(4)))
        #expect(cut.truncatedBytes == 16 + 12 - 2)
    }

    @Test("Another major version or a foreign file is refused with a stable code")
    func refusesForeignFiles() {
        var header = CaptureFormat.fileHeader
        header[8] = 2
        #expect(throws: ReplayError(.notACapture, "x is a capture of version 2.x; this build reads 1.x")) {
            try CaptureReader(bytes: header, name: "x")
        }
        #expect(throws: ReplayError.self) { try CaptureReader(bytes: Array("timestamp,value\n".utf8), name: "y") }
    }

    @Test("Files rotate at the size limit and only the newest --max-files are kept")
    func rotation() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try CaptureWriter(directory: directory.path, stem: "cap", maxFileBytes: 1024, maxFiles: 3)
        for index in 0..<40 {
            try writer.write(CaptureRecord(arrivalTime: Int64(index), message: Array(repeating: 1, count: 100)))
        }
        writer.close()
        // 116 bytes per record, 8 records per 1 024-byte file (16-byte header): 5 files, the oldest 2 deleted.
        #expect(
            writer.files.map { URL(fileURLWithPath: $0).lastPathComponent } == [
                "cap-000003.dwcap", "cap-000004.dwcap", "cap-000005.dwcap",
            ]
        )
        #expect(writer.filesDeleted == 2)
        let remaining = try writer.files.flatMap { try CaptureReader(path: $0).records.map(\.arrivalTime) }
        #expect(remaining == Array(16..<40).map(Int64.init))
        for file in writer.files {
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
            #expect(size <= 1024)
        }
    }

    @Test(
        "CSV timestamps parse as UTC",
        arguments: [
            ("2014-02-14 14:27:00", Int64(1_392_388_020) * 1_000_000_000),
            ("2024-05-01T00:00:00.5Z", Int64(1_714_521_600_500_000_000)),
            ("1970-01-01 00:00:00", Int64(0)),
        ]
    )
    func timestamps(text: String, expected: Int64) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("t.csv").path
        try "timestamp,value\n\(text),1.5\n".write(toFile: path, atomically: true, encoding: .utf8)
        let inputs = try CSVEventReader.read(path: path, mapping: .nab(model: "t"))
        guard case .events(let batch) = inputs.first?.payload else {
            Issue.record("no event batch")
            return
        }
        #expect(batch.timestamps == [expected])
        #expect(batch.customMetricNames == ["value"])
        #expect(batch.customMetricValues == [1.5])
    }
}
