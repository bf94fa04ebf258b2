import Synchronization

/// Turns received JSON-lines payloads into recorded events and labels, and counts what it could not use.
///
/// One payload (a datagram or a ZeroMQ message) may carry several lines separated by `\n`; each is decoded on its
/// own, so one bad line costs only itself. Shared by every local listener of an agent.
public final class LineIngest: Sendable {
    /// Counters of the local ingest.
    public struct Counts: Sendable, Equatable {
        /// Lines decoded into events.
        public var events = 0
        /// Lines decoded into labels.
        public var labels = 0
        /// Lines refused, by reason (`invalid_json`, `queue_full`).
        public var rejected: [String: Int] = [:]
        /// The last refusal, for the log and `/healthz`.
        public var lastError: String?
    }

    private let decoder: JSONLineDecoder
    private let sink: any AgentEventSink
    private let counts = Mutex(Counts())

    /// Creates an ingest that records into `sink`.
    /// - Parameters:
    ///   - decoder: the JSON-lines decoder (with the default model for lines that name none).
    ///   - sink: where decoded items go.
    public init(decoder: JSONLineDecoder, sink: any AgentEventSink) {
        self.decoder = decoder
        self.sink = sink
    }

    /// The counters so far.
    public var snapshot: Counts { counts.withLock { $0 } }

    /// Decodes and records every line of `payload`.
    /// - Parameters:
    ///   - payload: one or more JSON objects separated by newlines.
    ///   - now: the arrival time, ns since the epoch.
    public func ingest(_ payload: UnsafeRawBufferPointer, now: Int64) {
        var events = 0
        var labels = 0
        var rejected: [String: Int] = [:]
        var lastError: String?
        // Lines are cut in place (no array of slices) and handed to the decoder as buffers, which it reads without
        // copying.
        payload.withMemoryRebound(to: UInt8.self) { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                lineStart = lineEnd + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                do throws(AgentError) {
                    switch try decoder.decode(line, now: now) {
                    case .event(let event):
                        if sink.record(event) { events += 1 } else { rejected["queue_full", default: 0] += 1 }
                    case .label(let label):
                        if sink.record(label) { labels += 1 } else { rejected["queue_full", default: 0] += 1 }
                    }
                } catch {
                    rejected[error.code.rawValue, default: 0] += 1
                    lastError = error.message
                }
            }
        }
        counts.withLock { counts in
            counts.events += events
            counts.labels += labels
            counts.rejected.merge(rejected, uniquingKeysWith: +)
            if let lastError { counts.lastError = lastError }
        }
    }
}
