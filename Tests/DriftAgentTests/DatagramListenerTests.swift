import DriftAgent
import Foundation
import Testing

@Suite("Datagram listener")
struct DatagramListenerTests {
    @Test("Every datagram of a burst is taken; stop() wakes the waiting thread and closes the socket")
    func burstThenStop() async throws {
        let sink = RecordingSink()
        let ingest = LineIngest(decoder: JSONLineDecoder(defaultModel: "m", defaultVersion: ""), sink: sink)
        let listener = try DatagramListener(address: .udp(host: "127.0.0.1", port: 0), ingest: ingest)
        guard case .udp(_, let port) = listener.boundAddress else {
            Issue.record("not bound to UDP")
            return
        }
        let sender = UDPSender(port: port)
        // Several lines in one datagram, and many datagrams queued before the thread drains them.
        for index in 0..<300 { sender.send(#"{"features":{"x":\#(index)}}"# + "\n" + #"{"features":{"y":1}}"#) }
        sender.close()
        let events = try await sink.waitForEvents(600)
        #expect(events.count == 600)
        #expect(ingest.snapshot.events == 600)

        // The thread waits without a timeout; only the stop's ring can end that wait.
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            listener.stop()
            stopped.signal()
        }
        #expect(stopped.wait(timeout: .now() + 30) == .success, "stop() did not return")
    }

    @Test("A Unix datagram listener receives, and its socket file is gone after stop()")
    func unixSocket() async throws {
        let path = NSTemporaryDirectory() + "dw-listener-\(UUID().uuidString.prefix(8)).sock"
        let sink = RecordingSink()
        let ingest = LineIngest(decoder: JSONLineDecoder(defaultModel: "m", defaultVersion: ""), sink: sink)
        let listener = try DatagramListener(address: .unix(path: path), ingest: ingest)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let line = Array(#"{"features":{"x":1}}"#.utf8)
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, line, line.count, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(descriptor)
        #expect(sent == line.count)
        #expect(try await sink.waitForEvents(1).count == 1)
        listener.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
