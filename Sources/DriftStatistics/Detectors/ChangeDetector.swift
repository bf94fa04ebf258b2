/// The state a streaming change detector reports after an update.
///
/// Detectors follow River's convention: the state describes the event just observed, and a detector that reported
/// ``drift`` restarts from scratch on its next update.
public enum ChangeDetectorState: UInt8, Sendable, Hashable, Codable {
    /// No evidence of change.
    case stable
    /// The statistic crossed the warning level but not the drift level (methods with a warning zone only).
    case warning
    /// A change was detected at this event.
    case drift
}

/// A streaming change detector over numbers: `update` costs O(1) amortised time and allocates nothing.
///
/// Conforming types are value types whose whole state is in the struct (plus arrays allocated once at
/// initialisation), so they can be copied, checkpointed with `Codable` and moved across tasks.
public protocol NumericChangeDetector: Sendable {
    /// Feeds one observation and returns the state after it.
    @discardableResult
    mutating func update(_ value: Double) -> ChangeDetectorState

    /// The state after the last update (``ChangeDetectorState/stable`` before any).
    var state: ChangeDetectorState { get }

    /// Forgets everything observed, keeping the configuration.
    mutating func reset()
}

/// A streaming change detector over a binary signal (`true` = error or failure, `false` = success), such as a
/// model's prediction errors once labels arrive, or a service's request failures.
public protocol BinaryChangeDetector: Sendable {
    /// Feeds one outcome (`true` for an error) and returns the state after it.
    @discardableResult
    mutating func update(_ error: Bool) -> ChangeDetectorState

    /// The state after the last update (``ChangeDetectorState/stable`` before any).
    var state: ChangeDetectorState { get }

    /// Forgets everything observed, keeping the configuration.
    mutating func reset()
}

extension ChangeDetectorState {
    /// The state from River-style flags: drift wins over warning.
    @inlinable
    @usableFromInline
    init(drift: Bool, warning: Bool) {
        self = drift ? .drift : (warning ? .warning : .stable)
    }
}

/// Heap bytes used by an array allocated once: its elements plus the 32-byte header of a Swift array buffer on
/// 64-bit platforms.
@inlinable
func detectorHeapBytes<Element>(_ array: [Element]) -> Int {
    32 + array.capacity * MemoryLayout<Element>.stride
}
