/// Engine-wide bounds on state (`limits`); what exceeds them is dropped and counted in ``EngineSnapshot``.
public struct EngineLimits: Sendable, Hashable, Codable, LayeredDecodable {
    /// Most model versions tracked (`max_models`, default 1 000); events of further ones are dropped and counted.
    public var maxModels: Int = 1000
    /// Most numeric plus categorical features tracked per model version (`max_features_per_model`, default 256).
    public var maxFeaturesPerModel: Int = 256
    /// Most distinct categories per categorical stream; more go to the unseen bucket
    /// (`max_categories_per_feature`, default 64).
    public var maxCategoriesPerFeature: Int = 64

    /// The defaults documented on each property.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxModels = "max_models"
        case maxFeaturesPerModel = "max_features_per_model"
        case maxCategoriesPerFeature = "max_categories_per_feature"
    }

    /// Decodes on top of the defaults.
    public init(from decoder: any Decoder) throws { try self.init(from: decoder, base: EngineLimits()) }

    /// Decodes on top of `base`.
    public init(from decoder: any Decoder, base: EngineLimits) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxModels = try c.value(.maxModels, or: base.maxModels)
        maxFeaturesPerModel = try c.value(.maxFeaturesPerModel, or: base.maxFeaturesPerModel)
        maxCategoriesPerFeature = try c.value(.maxCategoriesPerFeature, or: base.maxCategoriesPerFeature)
    }

    /// Problems with these limits (each must be at least 1; categories at most 65 534).
    public func validate() -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        if maxModels < 1 { problems.append(.init(keyPath: "max_models", message: "must be at least 1")) }
        if maxFeaturesPerModel < 1 {
            problems.append(.init(keyPath: "max_features_per_model", message: "must be at least 1"))
        }
        if maxCategoriesPerFeature < 1 || maxCategoriesPerFeature > 65_534 {
            problems.append(.init(keyPath: "max_categories_per_feature", message: "must be in [1, 65534]"))
        }
        return problems
    }
}
