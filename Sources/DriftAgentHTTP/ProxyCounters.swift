import Synchronization

/// The live counters of one reverse proxy, updated from request handlers and read by `/metrics`.
///
/// A lock-protected ``ProxyCountersSnapshot``: an update costs one uncontended lock.
final class ProxyCounters: Sendable {
    private let state = Mutex(ProxyCountersSnapshot())

    /// A copy of the current values.
    var snapshot: ProxyCountersSnapshot { state.withLock { $0 } }

    /// Applies `update` under the lock.
    func update(_ update: (inout ProxyCountersSnapshot) -> Void) {
        state.withLock { update(&$0) }
    }
}
