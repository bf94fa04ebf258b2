extension RobustAnomalyDetector: Codable {
    private enum CodingKeys: String, CodingKey {
        case configuration
        case window
        case observationCount
        case skippedCount
        case lastAlarmIndex
    }

    /// Restores a checkpointed detector, validating the configuration and the window.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when the configuration is invalid, the window holds more values than
    ///   the window size or a non-finite value, or the counters are negative.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let configuration = try container.decode(Configuration.self, forKey: .configuration)
        let values = try container.decode([Double].self, forKey: .window)
        let observationCount = try container.decode(Int.self, forKey: .observationCount)
        let skippedCount = try container.decode(Int.self, forKey: .skippedCount)
        let lastAlarmIndex = try container.decodeIfPresent(Int.self, forKey: .lastAlarmIndex)
        func corrupted(_ description: String) -> DecodingError {
            DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: container.codingPath, debugDescription: description)
            )
        }
        let failures = configuration.validationFailures
        guard failures.isEmpty else {
            throw corrupted("invalid configuration: \(failures.joined(separator: "; "))")
        }
        guard values.count <= configuration.windowSize, values.allSatisfy(\.isFinite) else {
            throw corrupted("window must hold at most windowSize finite values")
        }
        guard observationCount >= values.count, skippedCount >= 0 else {
            throw corrupted("counters must be non-negative and cover the window")
        }
        if let lastAlarmIndex, lastAlarmIndex < 0 || lastAlarmIndex >= observationCount {
            throw corrupted("lastAlarmIndex must index an accepted observation")
        }
        self.init(configuration: configuration)
        self.window = AnomalyOrderedWindow(capacity: configuration.windowSize, arrivalOrder: values)
        self.acceptedCount = observationCount
        self.skipped = skippedCount
        self.lastAlarmIndex = lastAlarmIndex
    }

    /// Checkpoints the configuration, the window in arrival order and the counters.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(window.arrivalOrder, forKey: .window)
        try container.encode(acceptedCount, forKey: .observationCount)
        try container.encode(skipped, forKey: .skippedCount)
        try container.encodeIfPresent(lastAlarmIndex, forKey: .lastAlarmIndex)
    }
}
