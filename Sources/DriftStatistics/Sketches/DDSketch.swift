import RealModule

/// A quantile sketch with a relative-error guarantee: DDSketch (Masson, Rim & Lee, "DDSketch: A Fast and
/// Fully-Mergeable Quantile Sketch with Relative-Error Guarantees", PVLDB 12(12), 2019; reference implementation
/// `DataDog/sketches-py`, logarithmic mapping and collapsing-lowest dense store).
///
/// Why DDSketch: latency percentiles are judged relatively (p99 of 12 ms vs 13 ms matters; of 12 s vs 12.001 s
/// does not), and DDSketch answers every quantile within a relative error `α` of a true sample value regardless
/// of the distribution's range or tail, with O(1) updates, exact merges (bucket-wise addition) and a memory bound
/// fixed up front. KLL gives rank error instead (a p99 rank error of 0.5 % can be an arbitrarily large value error
/// in a heavy tail); t-digest has no hard guarantee and non-deterministic merges.
///
/// Guarantee: for any quantile whose bucket has not been collapsed, the estimate `x̂` satisfies
/// `|x̂ − x| ≤ α·|x|` for the true sample quantile `x` (DDSketch's rank convention `q·(n − 1)`). With at most
/// ``maxBinCount`` buckets per sign, the sketch keeps full accuracy over a ratio of `γ^maxBinCount` between the
/// largest and smallest magnitudes (γ = (1 + α)/(1 − α)); beyond that the smallest magnitudes are collapsed into
/// the lowest bucket, so high quantiles (p95, p99) keep their guarantee.
///
/// Memory: `8·maxBinCount` bytes per sign store (2 048 bytes at the default 256 for positive values; the negative
/// store allocates its buckets on the first negative value only) plus ~80 bytes of state. Updates never allocate
/// in steady state.
public struct DDSketch: Sendable, Hashable, Codable {
    /// Bucket counts over a contiguous range of bucket keys, collapsing the lowest keys when the range is full.
    struct Store: Sendable, Hashable, Codable {
        var counts: [UInt64] = []
        var offset = 0
        var minKey = Int.max
        var maxKey = Int.min
        var total: UInt64 = 0
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
        }

        mutating func add(_ key: Int, _ count: UInt64) {
            if counts.isEmpty {
                counts = [UInt64](repeating: 0, count: capacity)
            }
            if total == 0 {
                offset = key - capacity / 2
                minKey = key
                maxKey = key
            }
            var k = key
            if k < offset {
                if maxKey - k < capacity {
                    shift(to: k)
                } else {
                    shift(to: maxKey - capacity + 1)
                    k = offset
                }
            } else if k >= offset + capacity {
                shift(to: k - capacity + 1)
            }
            counts[k - offset] += count
            total += count
            if k < minKey { minKey = k }
            if k > maxKey { maxKey = k }
        }

        /// Moves the window so that slot 0 holds key `newOffset`; keys below it are collapsed into slot 0.
        private mutating func shift(to newOffset: Int) {
            if newOffset == offset { return }
            if total == 0 {
                offset = newOffset
                return
            }
            if newOffset > offset {
                var collapsed: UInt64 = 0
                let collapseEnd = min(newOffset - 1, maxKey)
                if minKey <= collapseEnd {
                    for key in minKey...collapseEnd {
                        collapsed += counts[key - offset]
                    }
                }
                let firstKept = max(minKey, newOffset)
                if firstKept <= maxKey {
                    for key in firstKept...maxKey {
                        counts[key - newOffset] = counts[key - offset]
                    }
                }
                let clearFrom = firstKept <= maxKey ? maxKey - newOffset + 1 : 0
                if clearFrom < capacity {
                    for slot in clearFrom..<capacity { counts[slot] = 0 }
                }
                counts[0] += collapsed
                offset = newOffset
                if minKey < newOffset { minKey = newOffset }
                if maxKey < newOffset { maxKey = newOffset }
            } else {
                let s = offset - newOffset
                for key in stride(from: maxKey, through: minKey, by: -1) {
                    counts[key - newOffset] = counts[key - offset]
                }
                let clearStart = minKey - offset
                let clearEnd = min(maxKey - offset, minKey - offset + s - 1)
                if clearStart <= clearEnd {
                    for slot in clearStart...clearEnd { counts[slot] = 0 }
                }
                offset = newOffset
            }
        }

        /// Calls `body(key, count)` for non-empty buckets in increasing (or decreasing) key order.
        func forEachBucket(ascending: Bool, _ body: (Int, UInt64) -> Bool) {
            guard total > 0 else { return }
            if ascending {
                for key in minKey...maxKey where counts[key - offset] > 0 {
                    if !body(key, counts[key - offset]) { return }
                }
            } else {
                for key in stride(from: maxKey, through: minKey, by: -1) where counts[key - offset] > 0 {
                    if !body(key, counts[key - offset]) { return }
                }
            }
        }
    }

    /// The relative accuracy α.
    public let relativeAccuracy: Double
    /// Buckets kept per sign before the lowest magnitudes collapse.
    public let maxBinCount: Int
    private let gamma: Double
    private let inverseLogGamma: Double
    private var positive: Store
    private var negative: Store
    private var zeroCount: UInt64 = 0
    /// Number of values observed.
    public private(set) var count: UInt64 = 0
    /// Smallest value observed (+∞ when empty).
    public private(set) var minimum = Double.infinity
    /// Largest value observed (−∞ when empty).
    public private(set) var maximum = -Double.infinity
    /// Sum of the values observed.
    public private(set) var sum = 0.0

    /// Magnitudes below this are counted as zero.
    public static let minimumIndexableValue = 1e-9

    /// Creates an empty sketch.
    ///
    /// - Parameters:
    ///   - relativeAccuracy: α in (0, 1); default 0.01 (1 %).
    ///   - maxBinCount: Buckets per sign, ≥ 2; default 256 (full accuracy over a ×164 range at α = 1 %).
    /// - Throws: ``StatisticsError`` `.invalidParameter`.
    public init(relativeAccuracy: Double = 0.01, maxBinCount: Int = 256) throws(StatisticsError) {
        guard relativeAccuracy > 0, relativeAccuracy < 1 else {
            throw StatisticsError(.invalidParameter, "The relative accuracy must lie strictly between 0 and 1.")
        }
        guard maxBinCount >= 2 else {
            throw StatisticsError(.invalidParameter, "A DDSketch needs at least two buckets.")
        }
        self.relativeAccuracy = relativeAccuracy
        self.maxBinCount = maxBinCount
        gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
        inverseLogGamma = 1 / Double.log(gamma)
        positive = Store(capacity: maxBinCount)
        negative = Store(capacity: maxBinCount)
        positive.counts = [UInt64](repeating: 0, count: maxBinCount)
    }

    /// `⌈log_γ(x)⌉`.
    @inline(__always)
    private func key(_ magnitude: Double) -> Int {
        Int((Double.log(magnitude) * inverseLogGamma).rounded(.up))
    }

    /// The representative value of a bucket: `2γ^k/(γ + 1)`, within α of every value in the bucket.
    @inline(__always)
    private func value(_ key: Int) -> Double {
        2 * Double.pow(gamma, Double(key)) / (gamma + 1)
    }

    /// Adds a value (NaN is ignored).
    ///
    /// - Complexity: O(1) (one logarithm); no allocation in steady state.
    public mutating func observe(_ x: Double) {
        guard !x.isNaN else { return }
        if x > Self.minimumIndexableValue {
            positive.add(key(x), 1)
        } else if x < -Self.minimumIndexableValue {
            negative.add(key(-x), 1)
        } else {
            zeroCount += 1
        }
        count += 1
        sum += x
        if x < minimum { minimum = x }
        if x > maximum { maximum = x }
    }

    /// The estimated `q`-quantile (rank `q·(n − 1)`, as sketches-py), clamped to the observed range.
    ///
    /// - Parameter q: The quantile in [0, 1].
    /// - Returns: The estimate, or nil when empty or `q` is outside [0, 1].
    /// - Complexity: O(buckets).
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, q >= 0, q <= 1 else { return nil }
        let rank = q * Double(count - 1)
        var cumulative: UInt64 = 0
        var result: Double? = nil
        negative.forEachBucket(ascending: false) { key, c in
            cumulative += c
            if Double(cumulative) > rank {
                result = -value(key)
                return false
            }
            return true
        }
        if result == nil {
            cumulative += zeroCount
            if zeroCount > 0 && Double(cumulative) > rank { result = 0 }
        }
        if result == nil {
            positive.forEachBucket(ascending: true) { key, c in
                cumulative += c
                if Double(cumulative) > rank {
                    result = value(key)
                    return false
                }
                return true
            }
        }
        let estimate = result ?? maximum
        return min(max(estimate, minimum), maximum)
    }

    /// Adds another sketch's buckets (exact: the merged sketch equals the sketch of the concatenated streams,
    /// up to collapsing).
    ///
    /// - Throws: ``StatisticsError`` `.incompatibleStructures` when α or the bucket count differ.
    public mutating func merge(_ other: DDSketch) throws(StatisticsError) {
        guard other.relativeAccuracy == relativeAccuracy, other.maxBinCount == maxBinCount else {
            throw StatisticsError(.incompatibleStructures, "DDSketches with different accuracy cannot be merged.")
        }
        other.positive.forEachBucket(ascending: true) { key, c in
            positive.add(key, c)
            return true
        }
        other.negative.forEachBucket(ascending: true) { key, c in
            negative.add(key, c)
            return true
        }
        zeroCount += other.zeroCount
        count += other.count
        sum += other.sum
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
    }
}
