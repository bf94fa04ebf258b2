import NIOCore
import Synchronization

/// The open client connections of one of the agent's HTTP servers (the reverse proxy, the admin server), for
/// graceful shutdown: asked to quiesce (each connection then closes once its in-flight response has ended, or at
/// once when idle), waited for, and closed when the wait runs out.
///
/// Adding and removing a connection cost one uncontended lock each (once per connection, not per request).
final class HTTPConnectionTracker: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// Tracks `channel` until it closes.
    func add(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.channels.withLock { $0.removeValue(forKey: key) }
        }
    }

    /// The number of open connections.
    var count: Int { channels.withLock { $0.count } }

    /// Asks every connection to finish its current exchange and close.
    func quiesceAll() {
        for channel in channels.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    /// Closes every connection now.
    func closeAll() {
        for channel in channels.withLock({ Array($0.values) }) {
            channel.close(promise: nil)
        }
    }

    /// Waits until every connection has closed or `limit` has passed.
    /// - Returns: whether every connection closed in time.
    func waitUntilClosed(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while count > 0 {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}
