/// A fixed-capacity sliding window of the most recent values kept twice: in arrival order (a ring) and sorted.
///
/// The sorted copy gives the median, the extremes and the median absolute deviation without sorting per update.
/// Both buffers are reserved to `capacity` up front, so a full window never allocates: an update overwrites the
/// oldest ring slot and moves one element inside the sorted buffer.
///
/// - Complexity: `insert` is O(capacity) (one binary search and one shift); ``robustStatistics()`` is
///   O(capacity). Memory: `2 × capacity × 8` bytes of storage plus two array headers.
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

    /// The median, the median absolute deviation (MAD) and the mean absolute deviation from the median.
    ///
    /// For an even count the median and the MAD are the means of the two middle order statistics. The MAD is found
    /// by merging the deviations below and above the median, which are each already ordered in the sorted buffer,
    /// so no scratch storage is needed. Call only when not empty.
    func robustStatistics() -> (median: Double, mad: Double, meanAbsoluteDeviation: Double) {
        sorted.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            let lowMiddle = (n - 1) / 2
            let highMiddle = n / 2
            let median = (buffer[lowMiddle] + buffer[highMiddle]) / 2

            var left = lowMiddle
            var right = lowMiddle + 1
            var lowDeviation = 0.0
            var highDeviation = 0.0
            for rank in 0...highMiddle {
                let leftDeviation = left >= 0 ? median - buffer[left] : Double.infinity
                let rightDeviation = right < n ? buffer[right] - median : Double.infinity
                let deviation: Double
                if leftDeviation <= rightDeviation {
                    deviation = leftDeviation
                    left -= 1
                } else {
                    deviation = rightDeviation
                    right += 1
                }
                if rank == lowMiddle {
                    lowDeviation = deviation
                }
                if rank == highMiddle {
                    highDeviation = deviation
                }
            }

            var absoluteDeviationSum = 0.0
            for index in 0..<n {
                absoluteDeviationSum += abs(buffer[index] - median)
            }
            return (median, (lowDeviation + highDeviation) / 2, absoluteDeviationSum / Double(n))
        }
    }
}
