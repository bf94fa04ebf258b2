/// The wire kind of a prediction.
public enum PredictionKind: UInt8, Sendable, Hashable, CaseIterable {
    /// No prediction (e.g. the request failed).
    case absent = 0
    /// A finite number (regression output, score).
    case number = 1
    /// A class label.
    case classLabel = 2
    /// Class probabilities.
    case probabilities = 3
}

/// One class and its probability.
public struct ClassProbability: Sendable, Hashable {
    /// The class label.
    public var label: String
    /// The probability, finite and in [0, 1].
    public var probability: Double

    /// Creates a class probability.
    /// - Parameters:
    ///   - label: the class label.
    ///   - probability: its probability in [0, 1].
    public init(label: String, probability: Double) {
        self.label = label
        self.probability = probability
    }
}

/// What the model predicted for one request.
public enum Prediction: Sendable, Hashable {
    /// No prediction.
    case absent
    /// A finite number.
    case number(Double)
    /// A class label.
    case classLabel(String)
    /// Class probabilities (1 to ``WireLimits/maxProbabilitiesPerPrediction`` entries, each finite in [0, 1]; the
    /// sum is not checked, so multi-label outputs are allowed).
    case probabilities([ClassProbability])

    /// The wire kind of this prediction.
    public var kind: PredictionKind {
        switch self {
        case .absent: .absent
        case .number: .number
        case .classLabel: .classLabel
        case .probabilities: .probabilities
        }
    }
}
