import Foundation
import Synchronization
import Testing
import ZeroMQ

@Suite("ZeroMQ shutdown")
struct ZeroMQShutdownTests {
    @Test("Context shutdown wakes a thread blocked in receive with ETERM; its socket closes and nothing hangs")
    func shutdownWakesBlockedReceiver() throws {
        let context = try ZeroMQContext()
        let outcome = Mutex<String>("not finished")
        let bound = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let receiver = Thread {
            do {
                // The socket is created, used and closed on this thread, as the ZeroMQ module requires.
                let socket = try ZeroMQSocket(context, type: .pull)
                try socket.bind("tcp://127.0.0.1:*")
                bound.signal()
                _ = try socket.receive()
                outcome.withLock { $0 = "received unexpectedly" }
            } catch let error as ZeroMQError where error.isTerminated {
                outcome.withLock { $0 = "terminated" }
            } catch {
                outcome.withLock { $0 = "failed: \(error)" }
            }
            finished.signal()
        }
        receiver.start()
        #expect(bound.wait(timeout: .now() + 10) == .success)
        context.shutdown()
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(outcome.withLock { $0 } == "terminated")
    }

    @Test("Sockets of a shut-down context refuse new work with ETERM")
    func shutdownRefusesNewSockets() throws {
        let context = try ZeroMQContext()
        context.shutdown()
        context.shutdown()
        let error = #expect(throws: ZeroMQError.self) { try ZeroMQSocket(context, type: .push) }
        #expect(error?.isTerminated == true)
    }

    @Test("Closing a socket with queued, undeliverable messages and zero linger returns at once")
    func zeroLingerNeverWaits() throws {
        let finished = DispatchSemaphore(value: 0)
        let worker = Thread {
            do {
                let context = try ZeroMQContext()
                let push = try ZeroMQSocket(context, type: .push)
                try push.connect("tcp://127.0.0.1:1")
                for _ in 0..<10 { _ = try push.trySend([[UInt8](repeating: 1, count: 100)]) }
                push.close()
            } catch {}
            // The context is released here: zmq_ctx_term must not wait for the undeliverable messages.
            finished.signal()
        }
        worker.start()
        #expect(finished.wait(timeout: .now() + 10) == .success)
    }
}
