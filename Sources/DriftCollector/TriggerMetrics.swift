import DriftEngine
import Prometheus

/// Counters of retraining triggers, created once at start-up: triggers created by source, triggers held back by the
/// policy by reason, and delivery attempts by sink kind and result. Label values are bounded (fixed words).
struct TriggerMetrics: Sendable {
    let createdByPolicy: Counter
    let createdManually: Counter
    let suppressedByCooldown: Counter
    let suppressedByDailyLimit: Counter
    let recordFailures: Counter
    private let attempts: [String: (success: Counter, failure: Counter)]

    init(registry: PrometheusCollectorRegistry) {
        let createdHelp = "Retraining triggers written to the outbox, by source (policy or manual)."
        createdByPolicy = registry.makeCounter(
            descriptor: .named("driftwatch_triggers_created_total", help: createdHelp),
            labels: [("source", "policy")]
        )
        createdManually = registry.makeCounter(
            descriptor: .named("driftwatch_triggers_created_total", help: createdHelp),
            labels: [("source", "manual")]
        )
        let suppressedHelp = "Retraining triggers held back by the policy, by reason (cooldown or daily_limit)."
        suppressedByCooldown = registry.makeCounter(
            descriptor: .named("driftwatch_triggers_suppressed_total", help: suppressedHelp),
            labels: [("reason", TriggerDecision.Suppression.cooldown.rawValue)]
        )
        suppressedByDailyLimit = registry.makeCounter(
            descriptor: .named("driftwatch_triggers_suppressed_total", help: suppressedHelp),
            labels: [("reason", TriggerDecision.Suppression.dailyLimit.rawValue)]
        )
        recordFailures = registry.makeCounter(
            descriptor: .named(
                "driftwatch_trigger_outbox_failures_total",
                help: "Triggers that could not be written to the outbox (the decision is retried at the next tick)."
            )
        )
        let attemptsHelp = "Retraining-trigger delivery attempts, by sink kind and result."
        var attempts: [String: (success: Counter, failure: Counter)] = [:]
        for kind in TriggerSink.kinds {
            attempts[kind] = (
                registry.makeCounter(
                    descriptor: .named("driftwatch_trigger_deliveries_total", help: attemptsHelp),
                    labels: [("sink", kind), ("result", "success")]
                ),
                registry.makeCounter(
                    descriptor: .named("driftwatch_trigger_deliveries_total", help: attemptsHelp),
                    labels: [("sink", kind), ("result", "failure")]
                )
            )
        }
        self.attempts = attempts
    }

    /// Counts one delivery attempt.
    func attempt(_ sink: TriggerSink, delivered: Bool) {
        guard let counters = attempts[sink.kind] else { return }
        if delivered { counters.success.increment() } else { counters.failure.increment() }
    }

    /// Counts one suppression.
    func suppressed(_ reason: TriggerDecision.Suppression) {
        switch reason {
        case .cooldown: suppressedByCooldown.increment()
        case .dailyLimit: suppressedByDailyLimit.increment()
        }
    }
}
