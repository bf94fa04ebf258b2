import ArgumentParser
import DriftProtocol
import Foundation
import ZeroMQ

/// `driftwatch inspect`: a tap that receives wire-protocol messages and prints them, for checking a producer.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Receive wire-protocol messages on a PULL socket and print what they contain.",
        discussion: """
            Use it to check an agent or a producer written from docs/protocol.md: point the producer at the \
            endpoint and every event batch, label batch or acknowledgement is decoded and printed. Malformed \
            messages are reported with the field and byte offset that was wrong, counted and skipped.
            Exits after --count messages or after --idle-timeout seconds without one; Ctrl-C stops it at any time.
            """
    )

    @Option(help: "Endpoint to bind the PULL socket to, e.g. tcp://127.0.0.1:7701 or ipc:///tmp/dw.sock.")
    var bind: String = "tcp://127.0.0.1:7701"

    @Option(help: "Stop after this many messages (valid or not).")
    var count: Int?

    @Option(help: "Stop after this many seconds without a message.")
    var idleTimeout: Double?

    @Flag(help: "Print one JSON object per event instead of the readable form.")
    var json = false

    func validate() throws {
        if let count, count <= 0 { throw ValidationError("--count must be positive.") }
        if let idleTimeout, !(idleTimeout > 0) { throw ValidationError("--idle-timeout must be positive.") }
    }

    func run() throws {
        let context = try ZeroMQContext()
        let socket = try ZeroMQSocket(context, type: .pull)
        let endpoint = try socket.bind(bind)
        printError("Listening on \(endpoint)")
        var received = 0
        var malformed = 0
        let printer = MessagePrinter(json: json)
        while count.map({ received < $0 }) ?? true {
            let frames: [ZeroMQFrame]
            if let idleTimeout {
                guard let next = try socket.receive(timeout: .milliseconds(Int64(idleTimeout * 1000))) else {
                    printError("No message for \(idleTimeout) s; stopping.")
                    break
                }
                frames = next
            } else {
                frames = try socket.receive()
            }
            received += 1
            guard frames.count == 1 else {
                malformed += 1
                printError("message \(received): expected 1 frame, got \(frames.count); skipped")
                continue
            }
            do {
                let message = try frames[0].withUnsafeBytes { (bytes) throws(ProtocolError) in
                    try WireMessage(decoding: bytes)
                }
                printer.print(message)
            } catch {
                malformed += 1
                printError("message \(received) (\(frames[0].count) bytes): \(error); skipped")
            }
        }
        printError("\(received) message(s), \(malformed) malformed")
    }
}

/// Writes a line to standard error, keeping standard output for the data.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
