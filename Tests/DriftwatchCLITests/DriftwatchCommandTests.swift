import DriftProtocol
import Foundation
import TestSupport
import Testing
import ZeroMQ

@Suite("driftwatch command line")
struct DriftwatchCommandTests {
    @Test("--version names the release, the wire protocol version and the linked libzmq")
    func version() throws {
        let result = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["--version"])
        let zmq = ZeroMQContext.libraryVersion
        #expect(result.status == 0)
        #expect(
            result.standardOutput
                == "driftwatch 0.1.0 (wire protocol v1.0, libzmq \(zmq.major).\(zmq.minor).\(zmq.patch))\n"
        )
    }

    @Test("--help explains the tool and lists every subcommand")
    func help() throws {
        let result = try ChildProcess.run(ChildProcess.driftwatchExecutable, ["--help"])
        #expect(result.status == 0)
        for text in ["Streaming drift and anomaly detection", "keygen", "inspect"] {
            #expect(result.standardOutput.contains(text), "missing \(text)")
        }
    }

    @Test("inspect decodes a batch sent over ZeroMQ, and reports a malformed message without stopping")
    func inspectDecodesAndSurvivesGarbage() throws {
        let inspector = try ChildProcess.start(
            ChildProcess.driftwatchExecutable,
            ["inspect", "--bind", "tcp://127.0.0.1:*", "--count", "3", "--idle-timeout", "30"]
        )
        #expect(inspector.waitForOutput(containing: "Listening on tcp://"))
        let line = inspector.standardErrorSoFar.split(separator: "\n").first { $0.hasPrefix("Listening on ") }
        let endpoint = String(try #require(line).dropFirst("Listening on ".count))

        var builder = try EventBatchBuilder(
            header: BatchHeader(agentID: "agent-cli", sequence: 42, model: "fraud", modelVersion: "v3"),
            schema: FeatureSchema(numeric: ["amount"], categorical: ["country"]),
            customMetricNames: ["gpu_util"]
        )
        try builder.append(
            Event(
                timestamp: 1_700_000_000_123_456_789,
                requestID: "req-1",
                latencyMicroseconds: 1500,
                outcome: .ok,
                prediction: .classLabel("fraud"),
                numericFeatures: [12.5],
                categoricalFeatures: ["DE"],
                customMetrics: [0.25]
            )
        )
        let labels = LabelBatch(
            header: BatchHeader(agentID: "agent-cli", sequence: 43, model: "fraud", modelVersion: "v3"),
            labels: [Label(timestamp: 1_700_000_100_000_000_000, requestID: "req-1", groundTruth: .classLabel("legit"))]
        )

        let context = try ZeroMQContext()
        let push = try ZeroMQSocket(context, type: .push, linger: .seconds(5))
        try push.connect(endpoint)
        try push.send(builder.build().encoded())
        try push.send(Array("not a batch".utf8))
        try push.send(try labels.encoded())

        let result = try inspector.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.standardError)")
        let output = result.standardOutput
        #expect(output.contains("events agent=agent-cli seq=42 model=fraud@v3 count=1"))
        #expect(output.contains("timestamp=2023-11-14T22:13:20.123456789Z request_id=req-1 latency_us=1500.0"))
        #expect(output.contains("outcome=ok prediction=fraud amount=12.5 country=DE gpu_util=0.25"))
        #expect(output.contains("labels agent=agent-cli seq=43 model=fraud@v3 count=1"))
        #expect(output.contains("request_id=req-1 truth=legit"))
        #expect(result.standardError.contains("message 2 (11 bytes):"))
        #expect(result.standardError.contains("3 message(s), 1 malformed"))
    }
}
