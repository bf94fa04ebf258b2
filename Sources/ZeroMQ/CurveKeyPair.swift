import CZeroMQ

/// A 32-byte CURVE key in its Z85 text form (40 characters).
public struct CurveKey: Sendable, Hashable, CustomStringConvertible {
    /// The 40-character Z85 text.
    public let z85: String

    /// Validates a Z85 key: exactly 40 characters of the Z85 alphabet that decode to 32 bytes.
    /// - Returns: `nil` when `z85` is not a valid key.
    public init?(z85: String) {
        let bytes = Array(z85.utf8)
        guard bytes.count == 40 else { return nil }
        var decoded = [UInt8](repeating: 0, count: 32)
        let ok = (bytes + [0]).withUnsafeBufferPointer { text in
            text.withMemoryRebound(to: CChar.self) { zmq_z85_decode(&decoded, $0.baseAddress) != nil }
        }
        guard ok else { return nil }
        self.z85 = z85
    }

    /// Encodes 32 raw key bytes as Z85.
    /// - Returns: `nil` unless `rawBytes` holds exactly 32 bytes.
    public init?(rawBytes: [UInt8]) {
        guard rawBytes.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, rawBytes, 32) != nil else { return nil }
        z85 = String(decoding: text.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var z85Bytes: [UInt8] { Array(z85.utf8) }

    /// The key's 32 raw bytes.
    public var rawBytes: [UInt8] {
        var decoded = [UInt8](repeating: 0, count: 32)
        _ = (z85Bytes + [0]).withUnsafeBufferPointer { text in
            text.withMemoryRebound(to: CChar.self) { zmq_z85_decode(&decoded, $0.baseAddress) }
        }
        return decoded
    }

    public var description: String { z85 }
}

/// A CURVE public/secret key pair.
public struct CurveKeyPair: Sendable, Hashable {
    /// The public key: give it to peers.
    public let publicKey: CurveKey
    /// The secret key: keep it private (files holding it should be mode 0600).
    public let secretKey: CurveKey

    /// Pairs two keys.
    public init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Generates a new key pair with libzmq's CURVE implementation (`zmq_curve_keypair`).
    /// - Throws: ``ZeroMQError`` with `ENOTSUP` when libzmq was built without CURVE.
    public static func generate() throws(ZeroMQError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else {
            throw ZeroMQError.last("zmq_curve_keypair")
        }
        let publicZ85 = String(decoding: publicText.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let secretZ85 = String(decoding: secretText.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let publicKey = CurveKey(z85: publicZ85), let secretKey = CurveKey(z85: secretZ85) else {
            throw ZeroMQError(code: czmq_einval(), operation: "zmq_curve_keypair")
        }
        return CurveKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// Derives the public key of a secret key (`zmq_curve_public`), e.g. to check a key file pair matches.
    public static func publicKey(for secretKey: CurveKey) throws(ZeroMQError) -> CurveKey {
        var publicText = [CChar](repeating: 0, count: 41)
        let status = (secretKey.z85Bytes + [0]).withUnsafeBufferPointer { text in
            text.withMemoryRebound(to: CChar.self) { zmq_curve_public(&publicText, $0.baseAddress) }
        }
        guard status == 0 else { throw ZeroMQError.last("zmq_curve_public") }
        let z85 = String(decoding: publicText.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let key = CurveKey(z85: z85) else {
            throw ZeroMQError(code: czmq_einval(), operation: "zmq_curve_public")
        }
        return key
    }
}
