import Foundation
import Synchronization
import ZeroMQ

/// Receives JSON-lines messages on a ZeroMQ PULL socket (typically `ipc:///run/…/agent.ipc`) and hands them to a
/// ``LineIngest``, on a thread of its own. A model's PUSH socket never blocks on the agent while the PULL keeps up;
/// libzmq queues up to its high-water mark (10,000 messages here) and then the sender's non-blocking send fails.
public final class ZeroMQLineListener: Sendable {
    /// The endpoint actually bound.
    public let boundEndpoint: String
    private let stopFlag = StopFlag()
    private let finished = DispatchSemaphore(value: 0)

    /// Binds `endpoint` and starts receiving into `ingest`.
    /// - Parameters:
    ///   - endpoint: a ZeroMQ endpoint to bind (`ipc://path`, or `tcp://127.0.0.1:port`).
    ///   - context: the ZeroMQ context.
    ///   - ingest: where payloads go.
    /// - Throws: ``AgentError`` (`listener`) when the endpoint cannot be bound.
    public init(endpoint: String, context: ZeroMQContext, ingest: LineIngest) throws(AgentError) {
        let started = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<String, AgentError>?>(nil)
        let stopFlag = self.stopFlag
        let finished = self.finished
        let thread = Thread {
            let socket: ZeroMQSocket
            do {
                socket = try ZeroMQSocket(context, type: .pull, linger: .zero)
                try socket.setReceiveHighWaterMark(10_000)
                let bound = try socket.bind(endpoint)
                outcome.withLock { $0 = .success(bound) }
            } catch {
                outcome.withLock { $0 = .failure(AgentError(.listener, "cannot bind \(endpoint): \(error)")) }
                started.signal()
                finished.signal()
                return
            }
            started.signal()
            while !stopFlag.isSet {
                do {
                    guard let frames = try socket.receive(timeout: .milliseconds(100)) else { continue }
                    let now = Int64(Date().timeIntervalSince1970 * 1e9)
                    for frame in frames { frame.withUnsafeBytes { ingest.ingest($0, now: now) } }
                } catch {
                    break
                }
            }
            socket.close()
            finished.signal()
        }
        thread.name = "driftwatch-agent-zmq-ingest"
        thread.start()
        started.wait()
        switch outcome.withLock({ $0 }) {
        case .success(let bound): boundEndpoint = bound
        case .failure(let error): throw error
        case nil: throw AgentError(.listener, "cannot bind \(endpoint)")
        }
    }

    /// Stops receiving and closes the socket. Idempotent.
    public func stop() {
        guard stopFlag.set() else { return }
        finished.wait()
    }

    deinit { stop() }
}
