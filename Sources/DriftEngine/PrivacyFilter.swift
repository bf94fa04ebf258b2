import Crypto
import DriftProtocol
import DriftStatistics

/// Applies each model's ``PrivacySettings`` to batches before anything keeps them: the collector runs it ahead
/// of the engine (so memory and checkpoints see only the filtered batch), `driftwatch record` ahead of the capture
/// file, and `driftwatch backtest` ahead of its engine, so a backtest judges exactly what the collector would.
///
/// Request ids are hashed with HMAC-SHA256 under the deployment's privacy key (at least 32 random bytes, kept
/// out of the engine and its checkpoints), truncated to 128 bits and written as 32 lowercase hex digits; a label's
/// id is hashed the same way, so labels still join. Without the key an id can neither be recovered nor confirmed
/// by hashing a guess.
public struct PrivacyFilter: Sendable {
    /// A configuration that needs a privacy key when none was given.
    public struct MissingKey: Error, Sendable, Equatable, CustomStringConvertible {
        /// The configuration sections that hash request ids (`defaults`, `models.NAME`, `patterns[i]`).
        public let sections: [String]
        /// What to do.
        public var description: String {
            "\(sections.joined(separator: ", ")): privacy.request_ids is hash, which needs the deployment's "
                + "privacy key (--privacy-key FILE, at least 32 random bytes, mode 0600)"
        }
    }

    /// The fewest key bytes accepted.
    public static let minimumKeyBytes = 32

    private let resolver: ConfigurationResolver
    private let key: SymmetricKey?

    /// Creates a filter.
    /// - Parameters:
    ///   - resolver: the per-model configuration.
    ///   - key: the privacy key (at least ``minimumKeyBytes`` bytes), needed only when a section hashes request ids.
    /// - Throws: ``MissingKey`` when a section hashes request ids and `key` is nil or too short.
    public init(resolver: ConfigurationResolver, key: [UInt8]?) throws(MissingKey) {
        self.resolver = resolver
        let hashing = Self.sectionsHashingRequestIDs(resolver)
        if !hashing.isEmpty && (key?.count ?? 0) < Self.minimumKeyBytes { throw MissingKey(sections: hashing) }
        self.key = key.map { SymmetricKey(data: $0) }
    }

    /// Whether every model keeps everything (the filter never changes a batch).
    public var isIdentity: Bool {
        resolver.defaults.privacy.keepsEverything
            && resolver.patterns.allSatisfy { $0.configuration.privacy.keepsEverything }
            && resolver.models.values.allSatisfy { $0.privacy.keepsEverything }
    }

    /// The batch as the model's privacy settings allow it to be kept (the same batch when they keep everything).
    /// - Parameter batch: a decoded event batch.
    /// - Returns: the filtered batch.
    public func apply(_ batch: EventBatch) -> EventBatch {
        let settings = resolver.configuration(forModel: batch.header.model).privacy
        var result = batch
        switch settings.requestIDs {
        case .keep: break
        case .drop: result = result.replacingRequestIDs { _ in [] }
        case .hash: result = result.replacingRequestIDs { hash($0) }
        }
        if settings.featureValues == .sketch,
            let quantizer = try? RelativeAccuracyQuantizer(relativeAccuracy: settings.sketchRelativeAccuracy)
        {
            result = result.mappingNumericValues { quantizer.quantize($0) }
        }
        return result
    }

    /// The labels as the model's privacy settings allow them to be kept: ids hashed, or nil when ids are dropped
    /// (a label without its request id cannot join anything).
    /// - Parameter labels: a decoded label batch.
    /// - Returns: the filtered batch, or nil when nothing of it may be kept.
    public func apply(_ labels: LabelBatch) -> LabelBatch? {
        switch resolver.configuration(forModel: labels.header.model).privacy.requestIDs {
        case .keep:
            return labels
        case .drop:
            return nil
        case .hash:
            let hashed = labels.labels.map { label in
                var copy = label
                var id = label.requestID
                copy.requestID = String(decoding: id.withUTF8 { hash(UnsafeRawBufferPointer($0)) }, as: UTF8.self)
                return copy
            }
            return LabelBatch(header: labels.header, labels: hashed)
        }
    }

    /// HMAC-SHA256 of `id`, first 16 bytes as lowercase hex ASCII.
    private func hash(_ id: UnsafeRawBufferPointer) -> [UInt8] {
        guard let key else { return [] }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for byte in HMAC<SHA256>.authenticationCode(for: id, using: key).prefix(16) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return out
    }

    private static func sectionsHashingRequestIDs(_ resolver: ConfigurationResolver) -> [String] {
        var sections: [String] = []
        if resolver.defaults.privacy.requestIDs == .hash { sections.append("defaults") }
        for (index, rule) in resolver.patterns.enumerated() where rule.configuration.privacy.requestIDs == .hash {
            sections.append("patterns[\(index)]")
        }
        for name in resolver.models.keys.sorted() where resolver.models[name]?.privacy.requestIDs == .hash {
            sections.append("models.\(name)")
        }
        return sections
    }
}
