/// A fixed-capacity sliding window of the most recent values kept twice: in arrival order (a ring) and sorted.
///
/// The sorted copy gives the median, the extremes and the median absolute deviation without sorting per update.
/// Both buffers are reserved to `capacity` up front, so a full window never allocates: an update overwrites the
/// oldest ring slot and moves one element inside the sorted buffer.
///
/// - Complexity: `insert` is O(capacity) (one binary search and one shift); ``robustStatistics(trimmedFraction:)``
///   is O(capacity) with a branch-free inner loop. Memory: `2 × capacity × 8` bytes of storage plus two array headers.
struct AnomalyOrderedWindow: Sendable, Hashable {
    /// The largest number of values held.
    let capacity: Int
    /// Values in arrival order; once full, `ring[head]` is the oldest.
    private(set) var ring: [Double]
    /// The same values, ascending.
    private(set) var sorted: [Double]
    /// Index of the oldest value in `ring` once the window is full.
    private(set) var head: Int

    /// Creates an empty window.
    ///
    /// - Parameter capacity: The number of most recent values kept; at least 1.
    init(capacity: Int) {
        precondition(capacity >= 1, "AnomalyOrderedWindow capacity must be at least 1")
        self.capacity = capacity
        self.ring = []
        self.sorted = []
        self.head = 0
        ring.reserveCapacity(capacity)
        sorted.reserveCapacity(capacity)
    }

    /// Rebuilds a window from values in arrival order (oldest first), keeping the last `capacity` of them.
    init(capacity: Int, arrivalOrder values: [Double]) {
        self.init(capacity: capacity)
        for value in values.suffix(capacity) {
            insert(value)
        }
    }

    /// The number of values held.
    var count: Int { sorted.count }

    /// The smallest value held; call only when not empty.
    var minimum: Double { sorted[0] }

    /// The largest value held; call only when not empty.
    var maximum: Double { sorted[sorted.count - 1] }

    /// Heap bytes held by the two buffers: a 32-byte array header each plus their reserved capacity.
    var heapBytes: Int {
        2 * 32 + (ring.capacity + sorted.capacity) * MemoryLayout<Double>.stride
    }

    /// The values in arrival order, oldest first.
    var arrivalOrder: [Double] {
        guard ring.count == capacity, head != 0 else { return ring }
        return Array(ring[head...] + ring[..<head])
    }

    /// Adds a value, evicting the oldest one when full. The value must be finite.
    mutating func insert(_ value: Double) {
        if ring.count < capacity {
            ring.append(value)
            sorted.insert(value, at: upperBound(of: value))
            return
        }
        let evicted = ring[head]
        ring[head] = value
        head += 1
        if head == capacity {
            head = 0
        }
        replace(evicted, with: value)
    }

    /// Replaces one occurrence of `old` in the sorted buffer by `new`, shifting the elements in between.
    private mutating func replace(_ old: Double, with new: Double) {
        var index = lowerBound(of: old)
        let last = sorted.count - 1
        sorted.withUnsafeMutableBufferPointer { buffer in
            if new >= old {
                while index < last && buffer[index + 1] < new {
                    buffer[index] = buffer[index + 1]
                    index += 1
                }
            } else {
                while index > 0 && buffer[index - 1] > new {
                    buffer[index] = buffer[index - 1]
                    index -= 1
                }
            }
            buffer[index] = new
        }
    }

    /// The first index whose element is not less than `value`.
    private func lowerBound(of value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// The first index whose element is greater than `value`.
    private func upperBound(of value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// The median, the median absolute deviation (MAD) and the trimmed mean absolute deviation from the median.
    ///
    /// For an even count the median and the MAD are the means of the two middle order statistics. The deviations
    /// below the median (`median − sorted[lowMiddle − i]`) and above it (`sorted[lowMiddle + 1 + j] − median`) are
    /// each already ascending in the sorted buffer, so an order statistic of all deviations is the k-th smallest of
    /// two sorted sequences, found by binary search without scratch storage. The trimmed mean is the mean of the
    /// smallest `floor(trimmedFraction × count)` deviations (at least one): the sum of all deviations minus the
    /// largest ones, which are walked inwards from both ends of the buffer. Call only when not empty.
    ///
    /// - Parameter trimmedFraction: The fraction of smallest deviations averaged, in (0, 1].
    /// - Complexity: O(count) for one branch-free sum, plus O(log count) for the MAD and
    ///   O((1 − trimmedFraction) × count) for the trimmed part.
    func robustStatistics(
        trimmedFraction: Double
    ) -> (median: Double, mad: Double, trimmedMeanAbsoluteDeviation: Double) {
        sorted.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            let lowMiddle = (n - 1) / 2
            let highMiddle = n / 2
            let median = (buffer[lowMiddle] + buffer[highMiddle]) / 2
            let belowCount = lowMiddle + 1
            let aboveCount = n - belowCount

            // The k-th smallest (0-based) deviation: take `i` from below and `k + 1 − i` from above, with the
            // smallest `i` whose next below-deviation is not smaller than the last above-deviation taken.
            func deviation(rank k: Int) -> Double {
                var low = max(0, k + 1 - aboveCount)
                var high = min(k + 1, belowCount)
                while low < high {
                    let i = (low + high) / 2
                    let j = k + 1 - i
                    let below = median - buffer[lowMiddle - i]
                    let lastAbove = buffer[lowMiddle + j] - median
                    if below < lastAbove {
                        low = i + 1
                    } else {
                        high = i
                    }
                }
                let j = k + 1 - low
                let lastBelow = low > 0 ? median - buffer[lowMiddle - low + 1] : -Double.infinity
                let lastAbove = j > 0 ? buffer[lowMiddle + j] - median : -Double.infinity
                return max(lastBelow, lastAbove)
            }
            let mad = (deviation(rank: lowMiddle) + deviation(rank: highMiddle)) / 2

            // Four independent partial sums break the floating-point add dependency chain (about 4× faster for a
            // 1024-value window); the summation order is fixed, so results are deterministic.
            var partial = (0.0, 0.0, 0.0, 0.0)
            var index = 0
            while index + 4 <= n {
                partial.0 += abs(buffer[index] - median)
                partial.1 += abs(buffer[index + 1] - median)
                partial.2 += abs(buffer[index + 2] - median)
                partial.3 += abs(buffer[index + 3] - median)
                index += 4
            }
            while index < n {
                partial.0 += abs(buffer[index] - median)
                index += 1
            }
            let totalSum = (partial.0 + partial.1) + (partial.2 + partial.3)
            let trimmedCount = min(n, max(1, Int(trimmedFraction * Double(n))))
            var largestSum = 0.0
            var left = 0
            var right = n - 1
            for _ in 0..<(n - trimmedCount) {
                let leftDeviation = median - buffer[left]
                let rightDeviation = buffer[right] - median
                if leftDeviation >= rightDeviation {
                    largestSum += leftDeviation
                    left += 1
                } else {
                    largestSum += rightDeviation
                    right -= 1
                }
            }
            return (median, mad, max(0, totalSum - largestSum) / Double(trimmedCount))
        }
    }
}
