import Benchmark
import Foundation
import ZeroMQ
import ZeroMQBaseline

// PUSH -> PULL throughput of the Swift wrapper against the same probe written in C on raw libzmq, in one run.
// Each iteration moves `messagesPerIteration` messages from a sender thread to the benchmark thread; the
// throughput metric counts messages, so the two rows compare directly (docs/performance.md).

let messagesPerIteration = 200_000
let messageSize = 100

/// Pushes `count` messages of `size` bytes to `endpoint` from a dedicated thread that owns its socket.
func startSender(context: ZeroMQContext, endpoint: String, count: Int, size: Int) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        do {
            let push = try ZeroMQSocket(context, type: .push, linger: nil)
            try push.connect(endpoint)
            let payload = [UInt8](repeating: 0, count: size)
            for _ in 0..<count { try push.send(payload) }
            push.close()
        } catch {
            fatalError("sender failed: \(error)")
        }
        done.signal()
    }
    thread.start()
    return done
}

/// Receives `count` messages with the allocation-free receive path.
func swiftPushPull(transport: String, count: Int, size: Int) throws {
    let context = try ZeroMQContext()
    let pull = try ZeroMQSocket(context, type: .pull)
    let endpoint = try pull.bind(transport)
    let done = startSender(context: context, endpoint: endpoint, count: count, size: size)
    var bytes = 0
    for _ in 0..<count {
        bytes += try pull.receiveFrame { buffer, _ in buffer.count }
    }
    precondition(bytes == count * size)
    done.wait()
}

func ipcEndpoint() -> String {
    "ipc://\(FileManager.default.temporaryDirectory.path)/driftwatch-bench-\(getpid()).sock"
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal],
        maxDuration: .seconds(10),
        maxIterations: 15
    )
    for (name, transport) in [("tcp", "tcp://127.0.0.1:*"), ("ipc", "")] {
        Benchmark("PUSH->PULL \(name) 100 B, C baseline (raw libzmq) [200k msgs]") { benchmark in
            let endpoint = transport.isEmpty ? ipcEndpoint() : transport
            for _ in benchmark.scaledIterations {
                precondition(zmq_baseline_push_pull(endpoint, Int32(messagesPerIteration), Int32(messageSize)) == 0)
            }
        }
        Benchmark("PUSH->PULL \(name) 100 B, Swift ZeroMQ [200k msgs]") { benchmark in
            let endpoint = transport.isEmpty ? ipcEndpoint() : transport
            for _ in benchmark.scaledIterations {
                try swiftPushPull(transport: endpoint, count: messagesPerIteration, size: messageSize)
            }
        }
    }
}
