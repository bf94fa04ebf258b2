/// Decides which requests are recorded, from the request id, so the decision is the same wherever it is made.
///
/// A request is sampled when the 64-bit FNV-1a hash of its id's UTF-8 bytes, mixed by MurmurHash3's `fmix64`
/// finalizer (FNV's high bits alone are poorly spread for short, similar ids) and scaled to [0, 1), is below the
/// rate.
/// Because the decision depends only on the id, every agent replica (and the agent's `/labels` endpoint) agrees on
/// whether a given request was recorded; generated ids (random UUIDs) are sampled at the rate.
public struct RequestSampler: Sendable, Hashable {
    /// The fraction of request ids sampled, 0 to 1.
    public let rate: Double

    /// Creates a sampler.
    /// - Parameter rate: the fraction sampled (values outside 0...1 are clamped).
    public init(rate: Double) {
        self.rate = min(max(rate, 0), 1)
    }

    /// Whether the request with this id is recorded.
    /// - Parameter requestID: the request id.
    /// - Returns: true when sampled; always true at rate 1 and false at rate 0.
    /// - Complexity: O(length of the id).
    public func isSampled(_ requestID: String) -> Bool {
        if rate >= 1 { return true }
        if rate <= 0 { return false }
        return Self.unitHash(requestID) < rate
    }

    /// The id's FNV-1a 64-bit hash, finalized with `fmix64`, as a number in [0, 1) (its top 53 bits).
    static func unitHash(_ requestID: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in requestID.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return Double(hash >> 11) / 9_007_199_254_740_992
    }
}
