import DriftProtocol
import Foundation
import TestSupport
import Testing
import ZeroMQ

/// Interoperability with ZeroMQ software driftwatch did not write: pyzmq peers that know only docs/protocol.md.
/// tcp is used rather than ipc because Debian's libzmq and pyzmq's bundled libzmq have been seen to lose messages
/// over ipc between each other.
@Suite("Interoperability with pyzmq")
struct InteropTests {
    private static let pythonFolder = Bundle.module.resourceURL!.appendingPathComponent("Python")

    @Test("A batch encoded in Python with only struct decodes in Swift field by field")
    func pythonProducerToSwift() throws {
        let context = try ZeroMQContext()
        let pull = try ZeroMQSocket(context, type: .pull)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let producer = try ChildProcess.startPython(
            Self.pythonFolder.appendingPathComponent("send_batch.py"),
            [endpoint]
        )
        let frames = try #require(try pull.receive(timeout: .seconds(30)), "no batch from the Python producer")
        let exit = try producer.waitForExit()
        #expect(exit.status == 0, "\(exit.standardError)")
        #expect(frames.count == 1)

        let batch = try frames[0].withUnsafeBytes { (bytes) throws(ProtocolError) in try EventBatch(decoding: bytes) }
        let expected = try ExpectedBatch.load(Self.pythonFolder.appendingPathComponent("expected_batch.json"))
        try expected.check(batch)
    }

    @Test("A JSON alert published from Swift reaches a Python SUB subscribed to its topic prefix")
    func swiftAlertToPythonSubscriber() throws {
        let context = try ZeroMQContext()
        // XPUB tells when the Python subscription has arrived, so nothing is published into the void.
        let publisher = try ZeroMQSocket(context, type: .xpub)
        let endpoint = try publisher.bind("tcp://127.0.0.1:*")
        let subscriber = try ChildProcess.startPython(
            Self.pythonFolder.appendingPathComponent("receive_alert.py"),
            [endpoint, "alert.credit-risk."]
        )
        let subscription = try #require(try publisher.receive(timeout: .seconds(30)), "no subscription arrived")
        #expect(subscription[0].bytes == [1] + Array("alert.credit-risk.".utf8))

        let alert = Alert(
            id: "9f2c4e1a7b3d5c60",
            model: "credit-risk",
            modelVersion: "2024.06",
            kind: .dataDrift,
            feature: "income",
            state: .firing,
            severity: .critical,
            startedAt: 1_700_000_000_000_000_000,
            updatedAt: 1_700_000_060_000_000_000,
            summary: "income drifted: KS 0.41, p < 1e-12",
            evidence: AlertEvidence(
                statistic: "ks",
                value: 0.41,
                pValue: 3.2e-13,
                threshold: 0.01,
                reference: WindowSummary(size: 1000, range: TimeRange(start: 1, end: 2)),
                current: WindowSummary(size: 500, range: TimeRange(start: 3, end: 4)),
                topFeatures: [FeatureScore(feature: "income", value: 0.41)]
            )
        )
        // A message on another model's topic first: the subscriber must not see it.
        try publisher.send([Array("alert.churn.data_drift".utf8), try JSONBody.encode(alert)])
        try publisher.send([Array("alert.credit-risk.data_drift".utf8), try JSONBody.encode(alert)])

        let output = try subscriber.waitForExit(timeout: .seconds(30))
        #expect(output.status == 0, "\(output.standardError)")
        let received = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
        )
        #expect(received["topic"] as? String == "alert.credit-risk.data_drift")
        let body = try JSONSerialization.data(withJSONObject: try #require(received["alert"]))
        #expect(try JSONBody.decode(Alert.self, from: Array(body)) == alert)
    }
}
