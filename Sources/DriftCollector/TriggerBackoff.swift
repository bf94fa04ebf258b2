/// When to retry a failed trigger delivery: exponential backoff with jitter, capped.
///
/// The n-th retry (n ≥ 1) waits `min(maximum, initial × 2^(n−1))` scaled by a uniform factor in [0.5, 1]
/// ("equal jitter"), so receivers coming back after an outage are not hit by every collector at the same instant,
/// and no wait is shorter than half its nominal value.
struct TriggerBackoff: Sendable, Hashable {
    /// The nominal wait before the first retry.
    var initial: Duration = .seconds(1)
    /// The cap on the nominal wait.
    var maximum: Duration = .seconds(60)

    /// The nominal (jitter-free) wait after `failures` failed attempts, in nanoseconds.
    func nominalNanoseconds(afterFailures failures: Int) -> Int64 {
        let first = max(1, initial.nanoseconds)
        let cap = max(first, maximum.nanoseconds)
        let doublings = min(max(0, failures - 1), 62)
        let (scaled, overflow) = first.multipliedReportingOverflow(by: Int64(1) << doublings)
        return overflow ? cap : min(cap, scaled)
    }

    /// The wait after `failures` failed attempts, jittered by `generator`, in nanoseconds.
    func delayNanoseconds(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Int64 {
        let nominal = nominalNanoseconds(afterFailures: failures)
        let factor = Double.random(in: 0.5...1, using: &generator)
        return Int64((Double(nominal) * factor).rounded())
    }
}
