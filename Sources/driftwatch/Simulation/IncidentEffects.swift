/// The combined effect of the incidents in force at one moment: what the traffic model applies to an event.
///
/// Overlapping incidents combine: shifts add, factors multiply, rates take the largest.
struct IncidentEffects: Sendable, Equatable {
    /// Feature name → shift (numeric: standard deviations; categorical: weight boost of the rarest category).
    var featureShifts: [String: Double] = [:]
    /// Added to the model's logit score.
    var scoreShift: Double = 0
    /// The error rate in force, when an error spike raises it.
    var errorRate: Double?
    /// Multiplies latency.
    var latencyFactor: Double = 1
    /// Multiplies the request rate.
    var rateFactor: Double = 1
    /// The rate at which ground truth disagrees with the prediction, during an accuracy drop.
    var disagreementRate: Double?

    /// No incident.
    static let none = IncidentEffects()

    /// The effects of `incidents` that are active `seconds` after the start.
    init(_ incidents: [Incident], at seconds: Double) {
        for incident in incidents where incident.isActive(at: seconds) {
            switch incident.kind {
            case .featureDrift:
                if let target = incident.target { featureShifts[target, default: 0] += incident.magnitude }
            case .predictionDrift: scoreShift += incident.magnitude
            case .errorSpike: errorRate = max(errorRate ?? 0, incident.magnitude)
            case .latencySpike: latencyFactor *= incident.magnitude
            case .trafficDrop: rateFactor *= incident.magnitude
            case .accuracyDrop: disagreementRate = max(disagreementRate ?? 0, incident.magnitude)
            }
        }
    }

    init() {}
}
