import ArgumentParser
import DriftCollector
import DriftEngine
import DriftProtocol
import DriftReplay
import DriftwatchAgentCommand
import Foundation
import ZeroMQ

/// `driftwatch record`: a standalone recorder that agents send to instead of a collector.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record agents' traffic to capture files, acknowledging it like a collector.",
        discussion: """
            Binds a ROUTER (--ingest) and optionally a PULL (--pull) exactly like the collector, acknowledges \
            every batch the way the collector does (deduplicated by agent and sequence), and appends each new \
            message with its arrival time to capture files in --output: <stem>-000001.dwcap, … rotated at \
            --max-file-size MiB; with --max-files the oldest files are deleted. It does not run the engine: point \
            agents (or a second agent) at it, then backtest or replay the files. Stops after --duration seconds or \
            on Ctrl-C, closing the current file cleanly. See docs/capture.md.

            With --config, each model's privacy settings (docs/security.md) apply before anything is written: \
            request ids are hashed (with --privacy-key) or dropped, and numeric values are reduced to sketch \
            buckets, exactly as the collector keeps them; messages that cannot be decoded are then not recorded.
            """
    )

    @Option(help: "ROUTER endpoint agents connect to.")
    var ingest: String = "tcp://127.0.0.1:7701"

    @Option(help: "Optional PULL endpoint for fire-and-forget producers.")
    var pull: String?

    @Option(help: "Directory for the capture files.")
    var output: String = "."

    @Option(help: "File-name stem.")
    var stem: String = "capture"

    @Option(help: "Rotate files at this size, in MiB.")
    var maxFileSize: Double = 256

    @Option(help: "Keep at most this many files, deleting the oldest (0: keep all).")
    var maxFiles: Int = 0

    @Option(help: "Stop after this many seconds (0: until Ctrl-C).")
    var duration: Double = 0

    @Option(help: "The collector's YAML configuration: its privacy sections apply to what is recorded.")
    var config: String?

    @Option(
        help: ArgumentHelp(
            "The deployment's privacy key, when the configuration hashes request ids (privacy.request_ids: hash).",
            valueName: "file"
        )
    )
    var privacyKey: String?

    func validate() throws {
        guard maxFileSize * 1_048_576 >= 1024 else { throw ValidationError("--max-file-size must be ≥ 0.001 MiB.") }
        guard maxFiles >= 0 else { throw ValidationError("--max-files must be ≥ 0.") }
        guard duration >= 0 else { throw ValidationError("--duration must be ≥ 0.") }
    }

    func run() throws {
        let privacy = try makePrivacyFilter()
        let stop = StopSignal()
        let writer: CaptureWriter
        do {
            writer = try CaptureWriter(
                directory: output,
                stem: stem,
                maxFileBytes: Int(maxFileSize * 1_048_576),
                maxFiles: maxFiles
            )
        } catch {
            throw CommandFailure(error.description)
        }
        let context = try ZeroMQContext()
        let router = try ZeroMQSocket(context, type: .router, linger: .zero)
        try router.setReceiveHighWaterMark(10_000)
        let bound = try router.bind(ingest)
        var poller = ZeroMQPoller()
        try poller.register(router)
        var sockets = [router]
        if let pull {
            let socket = try ZeroMQSocket(context, type: .pull, linger: .zero)
            let pullBound = try socket.bind(pull)
            try poller.register(socket)
            sockets.append(socket)
            printError("record: pull endpoint \(pullBound)")
        }
        printError("record: ingest endpoint \(bound)")
        var tracker = SequenceTracker()
        var duplicates = 0
        var rejected = 0
        let clock = ContinuousClock()
        let deadline = duration > 0 ? clock.now + .milliseconds(Int64(duration * 1000)) : nil
        while !stop.isRequested {
            if let deadline, clock.now >= deadline { break }
            let ready = try poller.poll(timeout: .milliseconds(100))
            for (index, _) in ready {
                for _ in 0..<1024 {
                    guard let frames = try? sockets[index].receive(options: .dontWait) else { break }
                    let viaRouter = index == 0
                    guard frames.count == (viaRouter ? 2 : 1), let body = frames.last else {
                        rejected += 1
                        continue
                    }
                    let bytes = body.withUnsafeBytes { Array($0) }
                    guard let (_, header) = try? bytes.withUnsafeBytes({ try WireMessage.batchHeader(of: $0) }),
                        header.sequence > 0
                    else {
                        rejected += 1
                        continue
                    }
                    if tracker.accept(agent: header.agentID, sequence: header.sequence) {
                        let stored: [UInt8]?
                        switch privacy.map({ Self.filtered(bytes, by: $0) }) {
                        case .none: stored = bytes
                        case .some(.kept(let message)): stored = message
                        case .some(.withheld): stored = nil
                        case .some(.undecodable):
                            stored = nil
                            rejected += 1
                        }
                        do {
                            if let stored {
                                try writer.write(
                                    CaptureRecord(
                                        arrivalTime: wallClockNanoseconds(),
                                        channel: viaRouter ? .acknowledged : .pull,
                                        message: stored
                                    )
                                )
                            }
                        } catch {
                            writer.close()
                            throw CommandFailure(error.description)
                        }
                    } else {
                        duplicates += 1
                    }
                    if viaRouter, let routingID = frames.first {
                        let ack = try Acknowledgement(
                            agentID: header.agentID,
                            highestContiguousSequence: tracker.acknowledged(agent: header.agentID)
                        ).encoded()
                        _ = try? router.trySend([routingID.bytes, ack])
                    }
                }
            }
        }
        writer.close()
        for socket in sockets { socket.close() }
        printError(
            "record: \(writer.recordsWritten) messages, \(writer.bytesWritten) bytes in \(writer.files.count) file(s) "
                + "(\(writer.filesDeleted) deleted by --max-files), \(duplicates) duplicates, \(rejected) rejected"
        )
        for file in writer.files { print(file) }
    }

    /// The configuration's privacy filter, or nil when it keeps everything (messages are recorded byte for byte).
    private func makePrivacyFilter() throws -> PrivacyFilter? {
        guard let config else {
            guard privacyKey == nil else { throw ValidationError("--privacy-key needs --config.") }
            return nil
        }
        let resolver: ConfigurationResolver
        do {
            resolver = try ConfigurationFile.load(path: config)
        } catch {
            throw CommandFailure("invalid configuration:\n\(error)")
        }
        do {
            let filter = try PrivacyFilter(
                resolver: resolver,
                key: try privacyKey.map { try PrivacyKeyFile.load(path: $0) }
            )
            return filter.isIdentity ? nil : filter
        } catch let error as PrivacyFilter.MissingKey {
            throw CommandFailure("invalid configuration: \(error)")
        }
    }

    private enum Filtered {
        case kept([UInt8])
        case withheld
        case undecodable
    }

    /// A message as the privacy settings of its model allow it to be kept.
    private static func filtered(_ bytes: [UInt8], by privacy: PrivacyFilter) -> Filtered {
        switch try? WireMessage(decoding: bytes) {
        case .events(let batch):
            return .kept(privacy.apply(batch).encoded())
        case .labels(let batch):
            guard let kept = privacy.apply(batch) else { return .withheld }
            return (try? kept.encoded()).map { .kept($0) } ?? .undecodable
        case .acknowledgement, .none:
            return .undecodable
        }
    }

    private func wallClockNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
