/// A count-based rolling window: the last `capacity` values, in a preallocated ring buffer, with an optional
/// sorted view for two-sample tests and running moments.
///
/// Memory: `8·capacity` bytes for the ring plus `8·capacity` for the sorted view when enabled (the default
/// 500-value window with its sorted view holds 8 000 bytes of payload). Updates never allocate.
public struct RollingWindow: Sendable, Hashable, Codable {
    /// The default capacity: a window of this size without its sorted view, a default ``FixedReference`` and the five
    /// numeric detectors at their defaults fit one numeric stream's 16 KiB (with the sorted view they do not; see
    /// docs/statistics.md).
    public static let defaultCapacity = 500

    private var ring: [Double]
    private var head = 0
    /// Number of values currently held.
    public private(set) var count = 0
    /// Values observed since creation (including evicted ones).
    public private(set) var observedCount: UInt64 = 0
    /// The values sorted ascending (empty when the window was created with `keepsSorted: false`).
    public private(set) var sorted: SortedSample
    /// Mean and variance of the held values.
    public private(set) var moments = RunningMoments()
    /// Whether ``sorted`` is maintained.
    public let keepsSorted: Bool

    /// Creates an empty window.
    ///
    /// - Parameters:
    ///   - capacity: The number of most recent values kept, ≥ 1.
    ///   - keepsSorted: Maintain a sorted view (O(capacity) per update, needed for KS and Wasserstein).
    public init(capacity: Int = RollingWindow.defaultCapacity, keepsSorted: Bool = true) {
        precondition(capacity >= 1, "capacity must be at least 1")
        ring = [Double](repeating: 0, count: capacity)
        self.keepsSorted = keepsSorted
        sorted = SortedSample(capacity: keepsSorted ? capacity : 1)
    }

    /// The maximum number of values held.
    public var capacity: Int { ring.count }
    /// Whether the window holds `capacity` values.
    public var isFull: Bool { count == ring.count }
    /// Whether the window is empty.
    public var isEmpty: Bool { count == 0 }

    /// Adds a value, evicting and returning the oldest one when the window is full. NaN is rejected by the caller
    /// contract (a precondition): missing values are counted elsewhere.
    ///
    /// - Complexity: O(1) for the ring and moments, O(capacity) for the sorted view; no allocation.
    @discardableResult
    public mutating func observe(_ value: Double) -> Double? {
        precondition(!value.isNaN, "NaN cannot enter a window; count it as missing instead")
        observedCount += 1
        var evicted: Double? = nil
        if count == ring.count {
            let old = ring[head]
            evicted = old
            moments.remove(old)
            if keepsSorted { sorted.remove(old) }
            ring[head] = value
            head = head + 1 == ring.count ? 0 : head + 1
        } else {
            var tail = head + count
            if tail >= ring.count { tail -= ring.count }
            ring[tail] = value
            count += 1
        }
        moments.add(value)
        if keepsSorted { sorted.insert(value) }
        return evicted
    }

    /// The oldest value held, if any.
    public var oldest: Double? { count > 0 ? ring[head] : nil }

    /// Removes and returns the oldest value.
    @discardableResult
    public mutating func removeOldest() -> Double? {
        guard count > 0 else { return nil }
        let old = ring[head]
        head = head + 1 == ring.count ? 0 : head + 1
        count -= 1
        moments.remove(old)
        if keepsSorted { sorted.remove(old) }
        return old
    }

    /// Empties the window, keeping its storage.
    public mutating func removeAll() {
        head = 0
        count = 0
        moments = RunningMoments()
        sorted.removeAll()
    }

    /// The held values from oldest to newest (allocates; for inspection, checkpoints and tests).
    public var values: [Double] {
        (0..<count).map { ring[(head + $0) % ring.count] }
    }
}
