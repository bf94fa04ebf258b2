import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Samples a model process's resource use from `/proc/<pid>` (Linux): CPU %, resident memory, threads and open
/// file descriptors. The agent attaches the latest sample to every event it records as custom metrics
/// (`process_cpu_percent`, `process_rss_bytes`, `process_threads`, `process_open_fds`), so the collector watches
/// them with the same anomaly detector as any custom metric, next to the traffic they explain.
public final class ResourceSampler: Sendable {
    /// One sample.
    public struct Sample: Sendable, Equatable {
        /// CPU time used since the previous sample, as a percentage of one core (can exceed 100 on several).
        public var cpuPercent: Double?
        /// Resident set size in bytes.
        public var residentBytes: Double
        /// Threads of the process.
        public var threads: Double
        /// Open file descriptors.
        public var openFileDescriptors: Double

        /// The sample as custom metrics.
        public var metrics: [String: Double] {
            var metrics = [
                "process_rss_bytes": residentBytes,
                "process_threads": threads,
                "process_open_fds": openFileDescriptors,
            ]
            if let cpuPercent { metrics["process_cpu_percent"] = cpuPercent }
            return metrics
        }
    }

    private struct State {
        var latest: Sample?
        var previousTicks: UInt64?
        var previousTime: ContinuousClock.Instant?
    }

    /// The process watched.
    public let pid: Int32
    private let state = Mutex(State())
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Creates a sampler of `pid` (nothing is read until ``sample()``).
    public init(pid: Int32) {
        self.pid = pid
    }

    /// The latest sample, if one was taken.
    public var latest: Sample? { state.withLock { $0.latest } }

    /// Reads `/proc/<pid>` now; returns nil when the process is gone or unreadable.
    @discardableResult
    public func sample() -> Sample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let fields = Self.statFields(stat), fields.count > 14,
            let user = UInt64(fields[13]), let system = UInt64(fields[14])
        else { return nil }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
        let now = ContinuousClock.now
        let ticks = user + system
        return state.withLock { state in
            var cpu: Double?
            if let previousTicks = state.previousTicks, let previousTime = state.previousTime {
                let elapsed =
                    Double((now - previousTime).components.attoseconds) / 1e18
                    + Double((now - previousTime).components.seconds)
                if elapsed > 0 { cpu = Double(ticks &- previousTicks) / ticksPerSecond / elapsed * 100 }
            }
            let sample = Sample(
                cpuPercent: cpu,
                residentBytes: Self.statusValue(status, "VmRSS:").map { $0 * 1024 } ?? 0,
                threads: Self.statusValue(status, "Threads:") ?? 0,
                openFileDescriptors: Double(descriptors)
            )
            state.previousTicks = ticks
            state.previousTime = now
            state.latest = sample
            return sample
        }
    }

    /// The fields of `/proc/<pid>/stat` after the command name (which may hold spaces and parentheses), numbered
    /// as in proc(5) from field 1 (`pid`): the returned array's index i is field i + 1.
    static func statFields(_ stat: String) -> [Substring]? {
        guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
        let head = stat[..<open].split(separator: " ")
        let tail = stat[stat.index(after: close)...].split(separator: " ")
        return head + [stat[open...close]] + tail
    }

    private static func statusValue(_ status: String, _ key: String) -> Double? {
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            return line.dropFirst(key.count).split(whereSeparator: \.isWhitespace).first.flatMap { Double($0) }
        }
        return nil
    }
}
