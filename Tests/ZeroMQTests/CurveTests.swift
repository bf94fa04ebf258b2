import Testing
import ZeroMQ

@Suite("CURVE")
struct CurveTests {
    @Test("Generated key pairs are 40-character Z85 keys whose public half derives from the secret")
    func keyPairGeneration() throws {
        #expect(ZeroMQContext.supports("curve"))
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.z85.utf8.count == 40)
        #expect(pair.secretKey.rawBytes.count == 32)
        #expect(try CurveKeyPair.publicKey(for: pair.secretKey) == pair.publicKey)
        #expect(try CurveKeyPair.generate() != pair)
    }

    @Test("Invalid Z85 keys are rejected", arguments: ["", "short", String(repeating: "~", count: 40)])
    func invalidKeys(text: String) {
        #expect(CurveKey(z85: text) == nil)
    }

    @Test("An encrypted PUSH/PULL pair delivers; a client with the wrong server key gets nothing through")
    func encryptedDelivery() throws {
        let context = try ZeroMQContext()
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let impostor = try CurveKeyPair.generate()

        let pull = try ZeroMQSocket(context, type: .pull)
        try pull.setCurveServer(secretKey: server.secretKey)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")

        let good = try ZeroMQSocket(context, type: .push)
        try good.setCurveClient(serverKey: server.publicKey, keyPair: client)
        try good.connect(endpoint)
        try good.send("secret features".bytes)
        #expect(try pull.receiveWithin() == ["secret features".bytes])

        let bad = try ZeroMQSocket(context, type: .push)
        try bad.setCurveClient(serverKey: impostor.publicKey, keyPair: client)
        try bad.connect(endpoint)
        _ = try bad.trySend(["injected".bytes])
        #expect(try pull.receive(timeout: .milliseconds(300)) == nil)
    }
}
