import DriftStatistics
import Foundation

/// ADWIN updated event by event with River's arithmetic and every split tested by River's expression: the
/// implementation before buckets were filled in batches and splits screened, kept as the reference the batched one
/// must match exactly (`ADWINEquivalenceTests`).
struct SerialADWIN {
    let configuration: ADWIN.Configuration

    private let slots: Int
    private var totals: [Double]
    private var variances: [Double]
    private var counts: [Int32]
    private var levels = 1
    private var tick = 0
    /// Sum of the values in the window.
    var total: Double = 0
    /// Sum of squared deviations from the mean in the window (River's `variance` before division).
    var variance: Double = 0
    /// Number of events in the window.
    var width: Double = 0
    /// Drifts signalled since the detector was created or last reset by the caller.
    var detections = 0
    /// Whether the last update signalled a drift.
    var driftDetected = false

    init(validated configuration: ADWIN.Configuration) {
        self.configuration = configuration
        self.slots = configuration.maxBuckets + 1
        self.totals = [Double](repeating: 0, count: configuration.maxLevels * slots)
        self.variances = [Double](repeating: 0, count: configuration.maxLevels * slots)
        self.counts = [Int32](repeating: 0, count: configuration.maxLevels)
    }

    /// The state after the last update: ``ChangeDetectorState/drift`` or ``ChangeDetectorState/stable``.
    var state: ChangeDetectorState { driftDetected ? .drift : .stable }

    /// The mean of the window (0 when empty).
    var estimation: Double { width == 0 ? 0 : total / width }

    /// The buckets in River's layout (`maxBuckets + 1` slots per level, oldest first, unused slots 0), as
    /// `ADWIN.encode(to:)` writes them.
    var buckets: (totals: [Double], variances: [Double], counts: [Int32]) { (totals, variances, counts) }

    /// Feeds one value.
    /// - Complexity: O(1) amortised, no allocation.
    @discardableResult
    mutating func update(_ value: Double) -> ChangeDetectorState {
        if driftDetected {
            clearWindow()
        }
        // The bucket arrays are moved out of `self` for the update so that they are uniquely referenced locals:
        // the hot loops then work on raw pointers without per-element uniqueness checks.
        var t: [Double] = []
        var v: [Double] = []
        var c: [Int32] = []
        swap(&t, &totals)
        swap(&v, &variances)
        swap(&c, &counts)
        defer {
            swap(&t, &totals)
            swap(&v, &variances)
            swap(&c, &counts)
        }
        let detected = t.withUnsafeMutableBufferPointer { tp in
            v.withUnsafeMutableBufferPointer { vp in
                c.withUnsafeMutableBufferPointer { cp in
                    let buckets = Buckets(totals: tp, variances: vp, counts: cp, slots: slots)
                    insert(value, buckets)
                    return detectChange(buckets)
                }
            }
        }
        driftDetected = detected
        if driftDetected {
            detections += 1
        }
        return state
    }

    /// Forgets everything observed, keeping the configuration.
    mutating func reset() {
        clearWindow()
        detections = 0
    }

    private mutating func clearWindow() {
        for index in totals.indices {
            totals[index] = 0
            variances[index] = 0
        }
        for index in counts.indices {
            counts[index] = 0
        }
        levels = 1
        tick = 0
        total = 0
        variance = 0
        width = 0
        driftDetected = false
    }

    /// Raw views of the bucket arrays during one update.
    private struct Buckets {
        let totals: UnsafeMutableBufferPointer<Double>
        let variances: UnsafeMutableBufferPointer<Double>
        let counts: UnsafeMutableBufferPointer<Int32>
        let slots: Int

        /// Removes the first `n` buckets of a level, shifting the others down.
        @inline(__always)
        func dropFirst(_ n: Int, ofLevel level: Int) {
            let base = level * slots
            let count = Int(counts[level])
            var index = 0
            while index + n < count {
                totals[base + index] = totals[base + index + n]
                variances[base + index] = variances[base + index + n]
                index += 1
            }
            while index < count {
                totals[base + index] = 0
                variances[base + index] = 0
                index += 1
            }
            counts[level] = Int32(count - n)
        }
    }

    @inline(__always)
    private mutating func insert(_ value: Double, _ buckets: Buckets) {
        let slot = Int(buckets.counts[0])
        buckets.totals[slot] = value
        buckets.variances[slot] = 0
        buckets.counts[0] += 1
        width += 1
        var increment = 0.0
        if width > 1.0 {
            let deviation = value - total / (width - 1.0)
            increment = (width - 1.0) * deviation * deviation / width
        }
        variance += increment
        total += value
        if Int(buckets.counts[0]) == slots {
            compress(buckets)
        }
    }

    private mutating func compress(_ buckets: Buckets) {
        var level = 0
        while Int(buckets.counts[level]) == slots {
            if level == configuration.maxLevels - 1 {
                // The memory bound: the oldest bucket leaves the window instead of being merged upwards.
                deleteOldest(buckets)
                return
            }
            let size = Double(UInt64(1) << UInt64(level))
            let base = level * slots
            let t0 = buckets.totals[base]
            let t1 = buckets.totals[base + 1]
            let mu1 = t0 / size
            let mu2 = t1 / size
            let merged = t0 + t1
            let temp = size * 0.5 * (mu1 - mu2) * (mu1 - mu2)
            let mergedVariance = buckets.variances[base] + buckets.variances[base + 1] + temp
            if level + 1 >= levels {
                levels = level + 2
            }
            let next = (level + 1) * slots + Int(buckets.counts[level + 1])
            buckets.totals[next] = merged
            buckets.variances[next] = mergedVariance
            buckets.counts[level + 1] += 1
            buckets.dropFirst(2, ofLevel: level)
            if Int(buckets.counts[level + 1]) <= configuration.maxBuckets {
                break
            }
            level += 1
        }
    }

    private mutating func deleteOldest(_ buckets: Buckets) {
        let last = levels - 1
        let n = Double(UInt64(1) << UInt64(last))
        let u = buckets.totals[last * slots]
        let v = buckets.variances[last * slots]
        let mu = u / n
        width -= n
        total -= u
        let muWindow = total / width
        let increment = v + n * width * (mu - muWindow) * (mu - muWindow) / (n + width)
        variance -= increment
        buckets.dropFirst(1, ofLevel: last)
        if buckets.counts[last] == 0 && last > 0 {
            levels -= 1
        }
    }

    @inline(__always)
    private mutating func detectChange(_ buckets: Buckets) -> Bool {
        tick += 1
        guard tick % configuration.clock == 0, width > Double(configuration.gracePeriod) else {
            return false
        }
        return scanCuts(buckets)
    }

    private mutating func scanCuts(_ buckets: Buckets) -> Bool {
        var changeDetected = false
        let minLength = Double(configuration.minWindowLength)
        var reduceWidth = true
        while reduceWidth {
            reduceWidth = false
            var n0 = 0.0
            var n1 = width
            var u0 = 0.0
            var u1 = total
            let deltaPrime = log(2.0 * log(width) / configuration.delta)
            let windowVariance = variance / width
            var level = levels - 1
            outer: while level >= 0 {
                let size = Double(UInt64(1) << UInt64(level))
                let count = Int(buckets.counts[level])
                let base = level * slots
                for k in 0..<count {
                    n0 += size
                    n1 -= size
                    let bucketTotal = buckets.totals[base + k]
                    u0 += bucketTotal
                    u1 -= bucketTotal
                    if level == 0 && k == count - 1 {
                        break outer
                    }
                    if n1 >= minLength && n0 >= minLength {
                        let deltaMean = (u0 / n0) - (u1 / n1)
                        let mRecip = 1.0 / (n0 - minLength + 1.0) + 1.0 / (n1 - minLength + 1.0)
                        let epsilon =
                            (2.0 * mRecip * windowVariance * deltaPrime).squareRoot() + 2.0 / 3.0 * deltaPrime * mRecip
                        if abs(deltaMean) > epsilon {
                            reduceWidth = true
                            changeDetected = true
                            if width > 0 {
                                deleteOldest(buckets)
                                break outer
                            }
                        }
                    }
                }
                level -= 1
            }
        }
        return changeDetected
    }

}
