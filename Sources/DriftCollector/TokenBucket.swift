/// A token bucket (Turner, 1986): `rate` tokens per second flow in, up to `burst`; taking more than it holds is
/// refused. The collector keeps one per agent to cap the events each may send (``CollectorConfiguration``'s
/// `agentEventsPerSecond`), so one misbehaving agent cannot crowd out the others. Time is passed in (ns).
struct TokenBucket: Sendable, Equatable {
    /// Tokens added per second.
    let rate: Double
    /// The most tokens held.
    let burst: Double
    private(set) var tokens: Double
    private var updatedAt: Int64

    /// A full bucket.
    init(rate: Double, burst: Double, now: Int64) {
        self.rate = rate
        self.burst = burst
        tokens = burst
        updatedAt = now
    }

    /// Takes `count` tokens if the bucket holds them at `now`; returns whether it did.
    mutating func take(_ count: Int, now: Int64) -> Bool {
        if now > updatedAt {
            tokens = min(burst, tokens + Double(now - updatedAt) / 1e9 * rate)
            updatedAt = now
        }
        guard Double(count) <= tokens else { return false }
        tokens -= Double(count)
        return true
    }
}
