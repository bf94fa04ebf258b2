/// Count, mean and variance of the values currently in a window, updated on insert and on removal.
///
/// Welford's update (Welford 1962, Technometrics 4(3)) extended to removals (the reverse step). Memory: 24 bytes.
public struct RunningMoments: Sendable, Hashable, Codable {
    /// Number of values.
    public private(set) var count: Int = 0
    /// Arithmetic mean (0 when empty).
    public private(set) var mean: Double = 0
    private var m2: Double = 0

    /// Creates empty moments.
    public init() {}

    /// Adds a value. O(1).
    public mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
    }

    /// Removes a value that was added before. O(1).
    public mutating func remove(_ x: Double) {
        precondition(count > 0, "removing from empty moments")
        if count == 1 {
            self = RunningMoments()
            return
        }
        let oldMean = mean
        count -= 1
        mean = (oldMean * Double(count + 1) - x) / Double(count)
        m2 -= (x - oldMean) * (x - mean)
        if m2 < 0 { m2 = 0 }
    }

    /// Population variance (ddof = 0, as `numpy.var`).
    public var populationVariance: Double { count > 0 ? m2 / Double(count) : 0 }
    /// Sample variance (ddof = 1).
    public var sampleVariance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    /// Population standard deviation (ddof = 0, as `numpy.std`).
    public var populationStandardDeviation: Double { populationVariance.squareRoot() }
}
