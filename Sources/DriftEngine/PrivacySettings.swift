/// What the collector keeps of request ids and feature values (`privacy`; docs/security.md, "Privacy").
///
/// Applied by ``PrivacyFilter`` to every batch before the engine, a checkpoint or a capture sees it, so the
/// collector's memory, its SQLite checkpoints and `driftwatch record` captures hold only what is allowed here.
public struct PrivacySettings: Sendable, Hashable, Codable, LayeredDecodable {
    /// What happens to request ids.
    public enum RequestIDHandling: String, Sendable, Hashable, Codable, CaseIterable {
        /// Kept as sent (the engine itself stores only a 64-bit FNV-1a hash per waiting prediction).
        case keep
        /// Replaced by a keyed hash (HMAC-SHA256 under the deployment's privacy key, 128 bits as hex): labels
        /// still join, because their ids are hashed with the same key, but ids cannot be recovered or matched
        /// against guesses without the key.
        case hash
        /// Removed: no request id is kept anywhere, so labels cannot join (accuracy rules see no labels).
        case drop
    }

    /// What happens to numeric feature values and numeric predictions.
    public enum FeatureValueHandling: String, Sendable, Hashable, Codable, CaseIterable {
        /// Kept as sent.
        case raw
        /// Each value is reduced to its DDSketch bucket representative (within ``sketchRelativeAccuracy``):
        /// windows, references, checkpoints and captures hold nothing more precise than the sketch.
        case sketch
    }

    /// Request-id handling (`request_ids`: keep | hash | drop; default keep).
    public var requestIDs: RequestIDHandling = .keep
    /// Numeric value handling (`feature_values`: raw | sketch; default raw).
    public var featureValues: FeatureValueHandling = .raw
    /// Relative accuracy α of the sketch buckets (`sketch_relative_accuracy`, default 0.01, in (0, 1)).
    public var sketchRelativeAccuracy: Double = 0.01

    /// The defaults documented on each property.
    public init() {}

    /// Whether batches pass unchanged.
    public var keepsEverything: Bool { requestIDs == .keep && featureValues == .raw }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case requestIDs = "request_ids"
        case featureValues = "feature_values"
        case sketchRelativeAccuracy = "sketch_relative_accuracy"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: PrivacySettings()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: PrivacySettings) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        requestIDs = try c.value(.requestIDs, or: base.requestIDs)
        featureValues = try c.value(.featureValues, or: base.featureValues)
        sketchRelativeAccuracy = try c.value(.sketchRelativeAccuracy, or: base.sketchRelativeAccuracy)
    }
}
