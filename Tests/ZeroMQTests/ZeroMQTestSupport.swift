import Foundation
import ZeroMQ

/// A short but generous wait for anything that should already have happened on loopback.
let patience: Duration = .seconds(10)

/// A fresh `ipc://` endpoint in a private temporary directory.
func temporaryIPCEndpoint(_ name: String = "test") -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("driftwatch-zmq-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return "ipc://\(directory.path)/\(name).sock"
}

extension ZeroMQSocket {
    /// Receives one message within ``patience`` and copies its frames, or fails the caller with an error.
    func receiveWithin(_ timeout: Duration = patience) throws -> [[UInt8]] {
        guard let frames = try receive(timeout: timeout) else { throw TimedOut() }
        return frames.map(\.bytes)
    }
}

struct TimedOut: Error {}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
