import RealModule

/// HDDM_A, the Hoeffding drift detection method with the A-test (moving averages), with River's defaults.
///
/// Source: I. Frías-Blanco, J. del Campo-Ávila, G. Ramos-Jiménez, R. Morales-Bueno, A. Ortiz-Díaz,
/// Y. Caballero-Mota, "Online and Non-Parametric Drift Detection Methods Based on Hoeffding's Bounds", IEEE TKDE
/// 27(3), 2015; the arithmetic is River 0.26.1's `drift.binary.HDDM_A`, reproduced event for event. The detector
/// keeps the global mean `z̄` and a cut point `x̄` (the prefix with the smallest Hoeffding upper bound); it signals a
/// drift when `z̄ − x̄ ≥ ε` with `ε = √(m/2 · ln(2/δ))`, `m = (n − n_x)/(n_x · n)`, and a warning at the (larger)
/// warning confidence.
///
/// Assumptions: independent values bounded in [0, 1] (an error indicator, or a probability); detects increases, and
/// decreases too when `twoSidedTest` is set.
///
/// Memory: the struct only (`MemoryLayout<HDDMA>.size` = 98 bytes), no heap.
/// - Complexity: O(1) per update, no allocation.
public struct HDDMA: BinaryChangeDetector, Codable, Hashable {
    /// Parameters, with River 0.26.1's defaults.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Confidence δ of the drift test (River: `drift_confidence = 0.001`).
        public var driftConfidence: Double
        /// Confidence of the warning test (River: `warning_confidence = 0.005`).
        public var warningConfidence: Double
        /// Also detect decreases of the mean (River: `two_sided_test = False`).
        public var twoSidedTest: Bool

        /// Creates a configuration; every default is River's.
        public init(driftConfidence: Double = 0.001, warningConfidence: Double = 0.005, twoSidedTest: Bool = false) {
            self.driftConfidence = driftConfidence
            self.warningConfidence = warningConfidence
            self.twoSidedTest = twoSidedTest
        }

        /// Throws `invalid_parameter` unless both confidences are in (0, 1).
        public func validate() throws(StatisticsError) {
            guard driftConfidence > 0, driftConfidence < 1, warningConfidence > 0, warningConfidence < 1 else {
                throw StatisticsError(.invalidParameter, "HDDM_A needs confidences in (0, 1).")
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    private let logInverseDrift: Double
    private let logTwiceInverseDrift: Double
    private let logTwiceInverseWarning: Double
    private var totalCount: Double = 0
    private var totalMean: Double = 0
    private var minCount: Double = 0
    private var minMean: Double = 0
    private var maxCount: Double = 0
    private var maxMean: Double = 0
    /// Whether the last update signalled a drift.
    public private(set) var driftDetected = false
    /// Whether the last update left the detector in the warning zone.
    public private(set) var warningDetected = false

    /// Creates a detector with River's defaults.
    public init() {
        self.init(validated: Configuration())
    }

    /// Creates a detector.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration) throws(StatisticsError) {
        try configuration.validate()
        self.init(validated: configuration)
    }

    private init(validated configuration: Configuration) {
        self.configuration = configuration
        self.logInverseDrift = Double.log(1.0 / configuration.driftConfidence)
        self.logTwiceInverseDrift = Double.log(2.0 / configuration.driftConfidence)
        self.logTwiceInverseWarning = Double.log(2.0 / configuration.warningConfidence)
    }

    /// The state after the last update.
    public var state: ChangeDetectorState { ChangeDetectorState(drift: driftDetected, warning: warningDetected) }

    /// Feeds one outcome (`true` = error).
    @discardableResult
    public mutating func update(_ error: Bool) -> ChangeDetectorState {
        update(value: error ? 1.0 : 0.0)
    }

    /// Feeds one value in [0, 1].
    /// - Complexity: O(1), no allocation.
    @discardableResult
    public mutating func update(value: Double) -> ChangeDetectorState {
        if driftDetected {
            reset()
        }
        totalCount += 1
        totalMean += (1.0 / totalCount) * (value - totalMean)
        if minCount == 0 {
            minCount = totalCount
            minMean = totalMean
        }
        if maxCount == 0 {
            maxCount = totalCount
            maxMean = totalMean
        }
        let epsilonTotal = hoeffdingBound(totalCount)
        if minMean + hoeffdingBound(minCount) >= totalMean + epsilonTotal {
            minCount = totalCount
            minMean = totalMean
        }
        if configuration.twoSidedTest, maxMean - hoeffdingBound(maxCount) <= totalMean - epsilonTotal {
            maxCount = totalCount
            maxMean = totalMean
        }
        if meanIncreased(logTwiceInverseDrift) {
            warningDetected = false
            driftDetected = true
        } else if meanIncreased(logTwiceInverseWarning) {
            warningDetected = true
            driftDetected = false
        } else {
            warningDetected = false
            driftDetected = false
        }
        if configuration.twoSidedTest {
            if meanDecreased(logTwiceInverseDrift) {
                driftDetected = true
            } else if meanDecreased(logTwiceInverseWarning) {
                warningDetected = true
            }
        }
        return state
    }

    @inline(__always)
    private func hoeffdingBound(_ n: Double) -> Double {
        (1.0 / (2 * n) * logInverseDrift).squareRoot()
    }

    @inline(__always)
    private func meanIncreased(_ logTwiceInverseConfidence: Double) -> Bool {
        if minCount == totalCount {
            return false
        }
        let m = (totalCount - minCount) / minCount * (1.0 / totalCount)
        let epsilon = (m / 2 * logTwiceInverseConfidence).squareRoot()
        return totalMean - minMean >= epsilon
    }

    @inline(__always)
    private func meanDecreased(_ logTwiceInverseConfidence: Double) -> Bool {
        if maxCount == totalCount {
            return false
        }
        let m = (totalCount - maxCount) / maxCount * (1.0 / totalCount)
        let epsilon = (m / 2 * logTwiceInverseConfidence).squareRoot()
        return maxMean - totalMean >= epsilon
    }

    /// Forgets everything observed, keeping the configuration.
    public mutating func reset() {
        totalCount = 0
        totalMean = 0
        minCount = 0
        minMean = 0
        maxCount = 0
        maxMean = 0
        driftDetected = false
        warningDetected = false
    }

    /// Bytes of state: the struct itself, no heap.
    public var memoryFootprint: Int { MemoryLayout<Self>.size }
}
