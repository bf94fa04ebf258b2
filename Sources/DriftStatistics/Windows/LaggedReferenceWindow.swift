/// A sliding reference that trails the stream by a fixed lag: after `lag + size` observations it holds the
/// `size` values observed just before the most recent `lag` ones.
///
/// Used when no baseline exists: the current window (the last `lag` values, or any shorter window) is compared
/// against what the stream looked like shortly before. Each value passes through a delay line of `lag` values
/// and then enters the reference window. Memory: `8·lag` bytes for the delay line plus the reference window's
/// (`16·size` with its sorted view). No allocation per update.
public struct LaggedReferenceWindow: Sendable, Hashable, Codable {
    private var delay: RollingWindow
    /// The lagged reference values.
    public private(set) var reference: RollingWindow

    /// Creates an empty lagged reference.
    ///
    /// - Parameters:
    ///   - lag: How many of the most recent values are kept out of the reference, ≥ 1.
    ///   - size: The reference size, ≥ 1.
    public init(lag: Int, size: Int) {
        delay = RollingWindow(capacity: lag, keepsSorted: false)
        reference = RollingWindow(capacity: size, keepsSorted: true)
    }

    /// The lag in observations.
    public var lag: Int { delay.capacity }
    /// Whether the reference is full (at least `lag + size` values seen).
    public var isReady: Bool { reference.isFull }

    /// Feeds one value: it enters the delay line, and the value leaving the delay line enters the reference.
    ///
    /// - Complexity: O(size) for the reference's sorted view; no allocation.
    public mutating func observe(_ value: Double) {
        if let leaving = delay.observe(value) {
            reference.observe(leaving)
        }
    }
}
