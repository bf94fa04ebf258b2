#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A wake-up call another thread can make to a thread waiting in `zmq_poll` or `poll` (the delivery worker beside its
/// DEALER socket, a datagram listener beside its socket): a non-blocking pipe whose read end the waiting thread
/// watches. Ringing costs one `write`; a ring stays pending (the pipe stays readable) until ``answer()``, so a ring
/// made just before the thread starts waiting is not lost.
final class Doorbell: Sendable {
    /// The end `zmq_poll` watches for readability.
    let readEnd: Int32
    private let writeEnd: Int32

    /// Opens the pipe; nil when the process cannot open two more descriptors (the worker then polls instead).
    init?() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Wakes the waiting worker (or the next wait, when it is not waiting yet). Never blocks.
    func ring() {
        var byte: UInt8 = 1
        // A full pipe (EAGAIN) already holds a pending ring.
        _ = write(writeEnd, &byte, 1)
    }

    /// Clears pending rings.
    func answer() {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &buffer, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
