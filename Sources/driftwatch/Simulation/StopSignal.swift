import Dispatch
import Foundation

/// A stop request raised by SIGINT or SIGTERM and polled by a loop that owns sockets, so the loop can finish
/// cleanly (flush, wait for acknowledgements, print its summary) instead of dying mid-batch.
final class StopSignal: @unchecked Sendable {
    // @unchecked: `requested` is only read and written under `lock`; the dispatch sources are created once in
    // `init` and only cancelled in `deinit`.
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []

    /// Ignores the default action of `signals` and records them as a stop request instead.
    init(signals: [Int32] = [SIGINT, SIGTERM]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.request() }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// Whether a stop was requested.
    var isRequested: Bool { lock.withLock { requested } }

    /// Requests a stop.
    func request() { lock.withLock { requested = true } }
}
