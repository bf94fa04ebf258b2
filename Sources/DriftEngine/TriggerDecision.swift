import DriftProtocol

/// What ``TriggerEvaluator`` decided for one model version at one evaluation.
public enum TriggerDecision: Sendable, Hashable {
    /// Why a trigger that the evidence asks for was held back.
    public enum Suppression: String, Sendable, Hashable, Codable, CaseIterable {
        /// The last trigger of the model version is younger than the policy's `cooldown`.
        case cooldown
        /// `max_per_day` triggers were created in the last 24 hours of event time.
        case dailyLimit = "daily_limit"
    }

    /// Create this trigger: write it to the outbox, then deliver it.
    case fire(RetrainTrigger)
    /// The evidence asks for a trigger but the policy holds it back (reported once per reason and episode).
    case suppressed(model: String, version: String, reason: Suppression)
}
