import DriftProtocol
import Foundation

/// The synthetic fraud-detection model of `driftwatch simulate`: draws one request at a time (features, the
/// model's class probabilities, latency, outcome) and its ground truth, from a seeded generator.
///
/// Eight numeric features and two categorical ones (see ``numericFeatures`` and ``categoricalFeatures``); the
/// prediction is `{fraud, legit}` from a logistic function of the standardised features; ground truth agrees
/// with the undrifted prediction 90 % of the time; latency is lognormal around 20 ms; 0.5 % of requests fail
/// with code 500 and no prediction. The same seed and the same sequence of calls give the same events.
struct FraudTrafficModel {
    /// How a numeric feature is distributed, with its exact mean and standard deviation.
    enum Distribution: Sendable {
        /// `exp(N(mu, sigma²))`, rounded to cents.
        case logNormal(mu: Double, sigma: Double)
        /// Exponential with this mean, whole numbers (floor).
        case exponentialDays(mean: Double)
        /// Uniform whole numbers 0..<count.
        case uniformInteger(count: Int)
        /// Beta(2, 8): the second smallest of nine uniforms.
        case betaTwoEight
        /// Whole hours 0–23 drawn from a daily profile.
        case hourOfDay
        /// Standard normal.
        case standardNormal

        /// The mean of the undrifted feature.
        var mean: Double {
            switch self {
            case .logNormal(let mu, let sigma): exp(mu + sigma * sigma / 2)
            case .exponentialDays(let mean): mean - 0.5
            case .uniformInteger(let count): Double(count - 1) / 2
            case .betaTwoEight: 0.2
            case .hourOfDay: Self.hourMoments.mean
            case .standardNormal: 0
            }
        }

        /// The standard deviation of the undrifted feature: the unit of a `feature_drift` shift.
        var standardDeviation: Double {
            switch self {
            case .logNormal(let mu, let sigma): ((exp(sigma * sigma) - 1) * exp(2 * mu + sigma * sigma)).squareRoot()
            case .exponentialDays(let mean): mean
            case .uniformInteger(let count): ((Double(count) * Double(count) - 1) / 12).squareRoot()
            case .betaTwoEight: (16.0 / 1100).squareRoot()
            case .hourOfDay: Self.hourMoments.standardDeviation
            case .standardNormal: 1
            }
        }

        func sample(_ random: inout SimulationRandom) -> Double {
            switch self {
            case .logNormal(let mu, let sigma): (exp(mu + sigma * random.normal()) * 100).rounded() / 100
            case .exponentialDays(let mean): random.exponential(mean: mean).rounded(.down)
            case .uniformInteger(let count): (random.uniform() * Double(count)).rounded(.down)
            case .betaTwoEight:
                {
                    var draws = (0..<9).map { _ in random.uniform() }
                    draws.sort()
                    return draws[1]
                }()
            case .hourOfDay: Double(random.index(weights: Self.hourWeights, total: Self.hourTotal))
            case .standardNormal: random.normal()
            }
        }

        /// Requests per hour of day (UTC): quiet at night, busiest in the afternoon and evening.
        static let hourWeights: [Double] = [
            2, 1.5, 1, 1, 1, 1.5, 3, 5, 7, 8, 8.5, 9, 9.5, 9, 9, 9.5, 10, 10.5, 11, 10, 8, 6, 4, 3,
        ]
        static let hourTotal = hourWeights.reduce(0, +)
        static let hourMoments: (mean: Double, standardDeviation: Double) = {
            let mean = hourWeights.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element } / hourTotal
            let variance =
                hourWeights.enumerated().reduce(0) {
                    $0 + (Double($1.offset) - mean) * (Double($1.offset) - mean) * $1.element
                }
                / hourTotal
            return (mean, variance.squareRoot())
        }()
    }

    /// A numeric feature: name and distribution.
    struct NumericFeature: Sendable {
        let name: String
        let distribution: Distribution
    }

    /// A categorical feature: values and their weights (the last value is the rarest).
    struct CategoricalFeature: Sendable {
        let name: String
        let values: [String]
        let weights: [Double]
    }

    /// The numeric features, in schema order.
    static let numericFeatures: [NumericFeature] = [
        NumericFeature(name: "amount", distribution: .logNormal(mu: 3.5, sigma: 1.0)),
        NumericFeature(name: "account_age_days", distribution: .exponentialDays(mean: 700)),
        NumericFeature(name: "tx_per_hour", distribution: .logNormal(mu: 0.7, sigma: 0.5)),
        NumericFeature(name: "distance_km", distribution: .logNormal(mu: 2.0, sigma: 1.2)),
        NumericFeature(name: "merchant_risk", distribution: .betaTwoEight),
        NumericFeature(name: "hour_of_day", distribution: .hourOfDay),
        NumericFeature(name: "card_age_days", distribution: .uniformInteger(count: 1500)),
        NumericFeature(name: "velocity_score", distribution: .standardNormal),
    ]

    /// The categorical features, in schema order.
    static let categoricalFeatures: [CategoricalFeature] = [
        CategoricalFeature(
            name: "country",
            values: ["US", "GB", "DE", "FR", "IN", "BR", "NG"],
            weights: [40, 15, 12, 10, 9, 8, 6]
        ),
        CategoricalFeature(name: "device", values: ["ios", "android", "web"], weights: [45, 40, 15]),
    ]

    /// Every feature name, numeric first: what `feature_drift` may target.
    static let featureNames = numericFeatures.map(\.name) + categoricalFeatures.map(\.name)

    /// The wire schema of the events.
    static var schema: FeatureSchema {
        get throws {
            try FeatureSchema(numeric: numericFeatures.map(\.name), categorical: categoricalFeatures.map(\.name))
        }
    }

    /// Share of requests that fail when no error spike is in force.
    static let baseErrorRate = 0.005
    /// Share of labels that disagree with the undrifted prediction when no accuracy drop is in force.
    static let baseDisagreementRate = 0.1
    /// Median latency, in microseconds.
    static let medianLatencyMicroseconds = 20_000.0

    private var random: SimulationRandom
    private let requestPrefix: String
    private var requestCount = 0

    /// A model whose traffic is fixed by `seed`; request ids are `<requestPrefix>-<n>`, n from 1.
    init(seed: UInt64, requestPrefix: String) {
        self.random = SimulationRandom(seed: seed)
        self.requestPrefix = requestPrefix
    }

    /// An exponential gap to the next request at `rate` requests per second, in seconds.
    mutating func interarrival(rate: Double) -> Double { random.exponential(mean: 1 / rate) }

    /// Whether a candidate request survives a traffic drop to `factor` of the rate (thinning of a Poisson
    /// process, Lewis and Shedler 1979: keeping each candidate with probability `factor` scales the rate exactly).
    mutating func keepsRequest(factor: Double) -> Bool { factor >= 1 || random.bernoulli(factor) }

    /// Draws the next request at `timestamp` under `effects`, and its ground truth when `labelled`.
    /// - Returns: the event, and the true class when a label is to be sent for it.
    mutating func nextRequest(
        at timestamp: Int64,
        effects: IncidentEffects,
        labelFraction: Double
    ) -> (event: Event, truth: String?) {
        requestCount += 1
        var numeric: [Double] = []
        numeric.reserveCapacity(Self.numericFeatures.count)
        var score = -3.0
        for feature in Self.numericFeatures {
            let distribution = feature.distribution
            var value = distribution.sample(&random)
            if let shift = effects.featureShifts[feature.name] { value += shift * distribution.standardDeviation }
            numeric.append(value)
            score += Self.scoreContribution(feature.name, value, distribution)
        }
        var categorical: [String?] = []
        for feature in Self.categoricalFeatures {
            var weights = feature.weights
            if let shift = effects.featureShifts[feature.name], let last = weights.indices.last {
                weights[last] = max(0, weights[last] * (1 + shift))
            }
            let total = weights.reduce(0, +)
            let value = feature.values[total > 0 ? random.index(weights: weights, total: total) : 0]
            categorical.append(value)
            score += Self.scoreContribution(feature.name, value)
        }
        let baseFraud = 1 / (1 + exp(-score))
        let fraud = 1 / (1 + exp(-(score + effects.scoreShift)))
        let predicted = fraud >= 0.5 ? "fraud" : "legit"
        let undrifted = baseFraud >= 0.5 ? "fraud" : "legit"

        let failed = random.bernoulli(effects.errorRate ?? Self.baseErrorRate)
        let latency = exp(log(Self.medianLatencyMicroseconds) + 0.35 * random.normal()) * effects.latencyFactor
        let labelled = random.bernoulli(labelFraction)
        let reference = effects.disagreementRate == nil ? undrifted : predicted
        let disagrees = random.bernoulli(effects.disagreementRate ?? Self.baseDisagreementRate)
        let truth = disagrees ? (reference == "fraud" ? "legit" : "fraud") : reference

        let event = Event(
            timestamp: timestamp,
            requestID: "\(requestPrefix)-\(requestCount)",
            latencyMicroseconds: (latency * 1000).rounded() / 1000,
            outcome: failed ? .error(code: 500) : .ok,
            prediction: failed
                ? .absent
                : .probabilities([
                    ClassProbability(label: "fraud", probability: fraud),
                    ClassProbability(label: "legit", probability: 1 - fraud),
                ]),
            numericFeatures: numeric,
            categoricalFeatures: categorical
        )
        return (event, labelled ? truth : nil)
    }

    /// How a numeric feature moves the logit (standardised; amount and distance on a log scale).
    private static func scoreContribution(_ name: String, _ value: Double, _ distribution: Distribution) -> Double {
        let standardised = (value - distribution.mean) / distribution.standardDeviation
        switch name {
        case "amount": return 0.9 * (log(max(value, 0.01)) - 3.5)
        case "account_age_days": return -0.5 * standardised
        case "tx_per_hour": return 0.6 * standardised
        case "distance_km": return 0.5 * (log(max(value, 0.01)) - 2.0) / 1.2
        case "merchant_risk": return 1.0 * standardised
        case "hour_of_day": return (value < 6 || value >= 23) ? 0.4 : 0
        case "card_age_days": return -0.3 * standardised
        case "velocity_score": return 0.8 * standardised
        default: return 0
        }
    }

    /// How a categorical value moves the logit.
    private static func scoreContribution(_ name: String, _ value: String) -> Double {
        switch (name, value) {
        case ("country", "NG"): 0.8
        case ("country", "BR"): 0.4
        case ("device", "web"): 0.5
        default: 0
        }
    }
}
