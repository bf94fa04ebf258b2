/// A rolling window over event time: the values whose timestamps lie in `(latest − span, latest]`, bounded by a
/// capacity so memory stays fixed under traffic bursts.
///
/// Timestamps are nanoseconds from the event (never the wall clock), so a replay gives identical windows. Values
/// are expected in non-decreasing timestamp order; a late value (older than the latest seen) is kept and evicted
/// with its neighbours — eviction scans from the oldest arrival. When the capacity is reached the oldest value is
/// evicted early and ``overflowCount`` grows: size `capacity` for the highest expected rate × span.
///
/// Memory: `16·capacity` bytes (value + timestamp) plus `8·capacity` for the sorted view when enabled.
public struct EventTimeWindow: Sendable, Hashable, Codable {
    private var values: RollingWindow
    private var timestamps: [Int64]
    private var timestampHead = 0
    /// The window length in nanoseconds.
    public let spanNanoseconds: Int64
    /// The latest timestamp seen.
    public private(set) var latestTimestamp: Int64 = .min
    /// Values evicted because the capacity was reached before they aged out.
    public private(set) var overflowCount: UInt64 = 0

    /// Creates an empty window.
    ///
    /// - Parameters:
    ///   - spanNanoseconds: Window length in nanoseconds, > 0.
    ///   - capacity: The most values held at once, ≥ 1.
    ///   - keepsSorted: Maintain a sorted view for two-sample tests.
    public init(spanNanoseconds: Int64, capacity: Int = RollingWindow.defaultCapacity, keepsSorted: Bool = true) {
        precondition(spanNanoseconds > 0, "span must be positive")
        self.spanNanoseconds = spanNanoseconds
        values = RollingWindow(capacity: capacity, keepsSorted: keepsSorted)
        timestamps = [Int64](repeating: 0, count: capacity)
    }

    /// Number of values held.
    public var count: Int { values.count }
    /// The held values sorted ascending.
    public var sorted: SortedSample { values.sorted }
    /// Mean and variance of the held values.
    public var moments: RunningMoments { values.moments }
    /// The held values from oldest to newest (allocates).
    public var orderedValues: [Double] { values.values }

    /// Adds a value observed at `timestamp` (ns), first evicting values that aged out.
    ///
    /// - Complexity: amortised O(1) plus the sorted view's O(capacity); no allocation.
    public mutating func observe(_ value: Double, at timestamp: Int64) {
        advance(to: timestamp)
        if values.isFull {
            overflowCount += 1
            values.removeOldest()
            timestampHead = (timestampHead + 1) % timestamps.count
        }
        var tail = timestampHead + values.count
        if tail >= timestamps.count { tail -= timestamps.count }
        timestamps[tail] = timestamp
        values.observe(value)
    }

    /// Evicts values whose timestamps are at or before `timestamp − span`.
    ///
    /// - Complexity: O(evicted · capacity) with the sorted view; no allocation.
    public mutating func advance(to timestamp: Int64) {
        if timestamp > latestTimestamp { latestTimestamp = timestamp }
        let (cutoff, overflow) = latestTimestamp.subtractingReportingOverflow(spanNanoseconds)
        guard !overflow else { return }
        while values.count > 0 && timestamps[timestampHead] <= cutoff {
            values.removeOldest()
            timestampHead = (timestampHead + 1) % timestamps.count
        }
    }
}
