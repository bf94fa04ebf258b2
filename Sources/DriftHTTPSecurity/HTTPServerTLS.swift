import Foundation
import NIOSSL

/// TLS for an HTTP server from PEM files (`--tls-certificate`, `--tls-key`): the certificate chain (the server's
/// certificate first, then any intermediates) and its private key, checked together at start-up so that a wrong
/// file is an error that names it, not a failed handshake later. Served by swift-nio-ssl (BoringSSL): through
/// HummingbirdTLS by the collector, by a `NIOSSLServerHandler` in the agent; TLS 1.2 and 1.3, HTTP/1.1 inside.
public struct HTTPServerTLS: Sendable {
    /// TLS files that cannot be used.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// What is wrong, naming the file.
        public let message: String
        public var description: String { message }
    }

    /// The swift-nio-ssl server configuration.
    public let configuration: TLSConfiguration

    /// Loads and checks a certificate chain and private key.
    /// - Parameters:
    ///   - certificatePath: a PEM file with the certificate chain.
    ///   - keyPath: a PEM file with the certificate's private key (unencrypted).
    /// - Throws: ``Problem`` when a file is unreadable, holds no PEM certificate or key, or the key does not belong
    ///   to the certificate.
    public init(certificatePath: String, keyPath: String) throws(Problem) {
        for path in [certificatePath, keyPath] where !FileManager.default.isReadableFile(atPath: path) {
            throw Problem(message: "cannot read \(path)")
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw Problem(message: "\(certificatePath) is not a PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw Problem(message: "\(certificatePath) holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw Problem(message: "\(keyPath) is not an unencrypted PEM private key (\(error))")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        do {
            // BoringSSL checks here that the private key matches the leaf certificate.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw Problem(
                message:
                    "the private key in \(keyPath) does not belong to the certificate in \(certificatePath) (\(error))"
            )
        }
        self.configuration = configuration
    }
}
