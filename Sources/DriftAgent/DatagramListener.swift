import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Receives JSON-lines datagrams on UDP (loopback) or a Unix datagram socket and hands them to a ``LineIngest``,
/// on a thread of its own. Fire-and-forget for the sender: a model that writes a datagram never waits for the
/// agent, and a datagram the kernel cannot queue is dropped by the kernel (the receive buffer is raised to 4 MiB
/// to make that rare).
public final class DatagramListener: Sendable {
    /// Where to listen.
    public enum Address: Sendable, Equatable, CustomStringConvertible {
        /// UDP on `host:port` (port 0 picks a free one); the agent accepts only loopback hosts.
        case udp(host: String, port: UInt16)
        /// A Unix datagram socket at `path` (a stale file there is replaced).
        case unix(path: String)

        /// `udp://host:port` or `unix://path`.
        public var description: String {
            switch self {
            case .udp(let host, let port): "udp://\(host):\(port)"
            case .unix(let path): "unix://\(path)"
            }
        }
    }

    /// The address actually bound (the real port when 0 was asked for).
    public let boundAddress: Address
    private let descriptor: Int32
    private let stopFlag = StopFlag()
    /// Rung by ``stop()``: the thread waits in `poll` on the socket and this, so an idle listener never wakes.
    private let doorbell = Doorbell()
    private let finished = DispatchSemaphore(value: 0)

    /// Binds `address` and starts receiving into `ingest`.
    /// - Throws: ``AgentError`` (`listener`) when the socket cannot be opened or bound.
    public init(address: Address, ingest: LineIngest) throws(AgentError) {
        let (descriptor, bound) = try Self.bind(address)
        self.descriptor = descriptor
        boundAddress = bound
        let stopFlag = self.stopFlag
        let finished = self.finished
        let doorbell = self.doorbell
        let thread = Thread { [descriptor] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var watched = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            if let doorbell { watched.append(pollfd(fd: doorbell.readEnd, events: Int16(POLLIN), revents: 0)) }
            // Without a doorbell (no descriptors left for its pipe), a 200 ms timeout bounds how long stop() waits.
            let timeout: Int32 = doorbell == nil ? 200 : -1
            receiving: while !stopFlag.isSet {
                _ = poll(&watched, nfds_t(watched.count), timeout)
                // Take every queued datagram, then wait again.
                while !stopFlag.isSet {
                    let count = buffer.withUnsafeMutableBytes {
                        recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
                    }
                    if count < 0 {
                        // EAGAIN: the queue is empty; EINTR: poll again. Anything else ends the listener, as a
                        // socket that fails once fails again (polling it would spin).
                        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { break }
                        break receiving
                    }
                    let now = Int64(Date().timeIntervalSince1970 * 1e9)
                    buffer.withUnsafeBytes { ingest.ingest(UnsafeRawBufferPointer(rebasing: $0[..<count]), now: now) }
                }
            }
            finished.signal()
        }
        thread.name = "driftwatch-agent-\(bound)"
        thread.start()
    }

    /// Stops receiving and closes the socket (a Unix socket's file is removed). Idempotent.
    public func stop() {
        guard stopFlag.set() else { return }
        doorbell?.ring()
        finished.wait()
        _ = Glibc.close(descriptor)
        if case .unix(let path) = boundAddress { _ = unlink(path) }
    }

    deinit { stop() }

    private static func bind(_ address: Address) throws(AgentError) -> (Int32, Address) {
        switch address {
        case .udp(let host, let port):
            var inet = in_addr()
            guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &inet) == 1,
                (UInt32(bigEndian: inet.s_addr) >> 24) == 127
            else {
                throw AgentError(.listener, "UDP ingest listens on loopback only (127.x.x.x), not \(host)")
            }
            let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw failure("socket", address) }
            raiseReceiveBuffer(descriptor)
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            socketAddress.sin_addr = inet
            let bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let error = failure("bind", address)
                _ = Glibc.close(descriptor)
                throw error
            }
            var actual = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &actual) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            return (descriptor, .udp(host: host, port: UInt16(bigEndian: actual.sin_port)))
        case .unix(let path):
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            let capacity = MemoryLayout.size(ofValue: socketAddress.sun_path)
            guard path.utf8.count < capacity, !path.isEmpty else {
                throw AgentError(.listener, "Unix socket path must be 1…\(capacity - 1) bytes: \(path)")
            }
            let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw failure("socket", address) }
            raiseReceiveBuffer(descriptor)
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            var status = stat()
            if lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFSOCK { _ = unlink(path) }
            let bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard bound == 0 else {
                let error = failure("bind", address)
                _ = Glibc.close(descriptor)
                throw error
            }
            return (descriptor, address)
        }
    }

    /// Raises the receive buffer to 4 MiB, so a burst from the model is queued rather than dropped by the kernel.
    private static func raiseReceiveBuffer(_ descriptor: Int32) {
        var size: Int32 = 4 * 1024 * 1024
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    private static func failure(_ call: String, _ address: Address) -> AgentError {
        AgentError(.listener, "cannot listen on \(address): \(call): \(String(cString: strerror(errno)))")
    }
}

/// A one-way flag shared between a listener and its thread.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Whether the flag is set.
    var isSet: Bool { value.load(ordering: .acquiring) }

    /// Sets the flag; returns whether this call set it (false when it was already set).
    func set() -> Bool {
        !value.exchange(true, ordering: .acquiringAndReleasing)
    }
}
