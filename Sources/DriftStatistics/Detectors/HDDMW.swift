import RealModule

/// HDDM_W, the Hoeffding drift detection method with the W-test (exponentially weighted averages), with River's
/// defaults.
///
/// Source: Frías-Blanco et al., "Online and Non-Parametric Drift Detection Methods Based on Hoeffding's Bounds",
/// IEEE TKDE 27(3), 2015; the arithmetic is River 0.26.1's `drift.binary.HDDM_W`, reproduced event for event. It
/// compares the EWMA (weight λ) of the data before a cut point with the EWMA after it, using McDiarmid's bound
/// `√(Σλ-weights² · ln(1/δ)/2)`; the cut point moves whenever the global EWMA's upper bound reaches a new minimum.
///
/// Assumptions: independent values bounded in [0, 1]; detects increases, and decreases too when `twoSidedTest` is
/// set. Reacts faster than HDDM_A to abrupt changes, at the cost of more variance.
///
/// Memory: the struct only (`MemoryLayout<HDDMW>.size`, 210 bytes), no heap.
/// - Complexity: O(1) per update, no allocation.
public struct HDDMW: BinaryChangeDetector, Codable, Hashable {
    /// Parameters, with River 0.26.1's defaults.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Confidence δ of the drift test (River: `drift_confidence = 0.001`).
        public var driftConfidence: Double
        /// Confidence of the warning test (River: `warning_confidence = 0.005`).
        public var warningConfidence: Double
        /// Weight λ of the newest value in the EWMA (River: `lambda_val = 0.05`).
        public var lambda: Double
        /// Also detect decreases of the mean (River: `two_sided_test = False`).
        public var twoSidedTest: Bool

        /// Creates a configuration; every default is River's.
        public init(
            driftConfidence: Double = 0.001,
            warningConfidence: Double = 0.005,
            lambda: Double = 0.05,
            twoSidedTest: Bool = false
        ) {
            self.driftConfidence = driftConfidence
            self.warningConfidence = warningConfidence
            self.lambda = lambda
            self.twoSidedTest = twoSidedTest
        }

        /// Throws `invalid_parameter` unless the confidences and λ are in (0, 1).
        public func validate() throws(StatisticsError) {
            guard driftConfidence > 0, driftConfidence < 1, warningConfidence > 0, warningConfidence < 1,
                lambda > 0, lambda < 1
            else {
                throw StatisticsError(.invalidParameter, "HDDM_W needs confidences and lambda in (0, 1).")
            }
        }
    }

    /// An exponentially weighted mean with its independent-bound condition (River's `SampleInfo`).
    private struct Sample: Sendable, Codable, Hashable {
        var mean: Double = 0
        var initialized = false
        var boundCondition: Double = 1

        @inline(__always)
        mutating func update(
            _ x: Double,
            lambda: Double,
            oneMinusLambda: Double,
            lambdaSquared: Double,
            oneMinusLambdaSquared: Double
        ) {
            if initialized {
                mean = lambda * x + oneMinusLambda * mean
            } else {
                mean = x
                initialized = true
            }
            boundCondition = lambdaSquared + oneMinusLambdaSquared * boundCondition
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    private let oneMinusLambda: Double
    private let lambdaSquared: Double
    private let oneMinusLambdaSquared: Double
    private let logInverseDrift: Double
    private let logInverseWarning: Double
    private var total = Sample()
    private var beforeIncrease = Sample()
    private var afterIncrease = Sample()
    private var beforeDecrease = Sample()
    private var afterDecrease = Sample()
    private var increaseCutPoint: Double = .infinity
    private var decreaseCutPoint: Double = -.infinity
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
        self.oneMinusLambda = 1.0 - configuration.lambda
        self.lambdaSquared = configuration.lambda * configuration.lambda
        self.oneMinusLambdaSquared = Double.pow(1 - configuration.lambda, 2.0)
        self.logInverseDrift = Double.log(1 / configuration.driftConfidence)
        self.logInverseWarning = Double.log(1 / configuration.warningConfidence)
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
        updateSample(&total, value)
        let epsilon = bound(total.boundCondition, logInverseDrift)
        if total.mean + epsilon < increaseCutPoint {
            increaseCutPoint = total.mean + epsilon
            beforeIncrease = total
            afterIncrease = Sample()
        } else {
            updateSample(&afterIncrease, value)
        }
        if hasMeanChanged(beforeIncrease, afterIncrease, logInverseDrift) {
            warningDetected = false
            driftDetected = true
        } else if hasMeanChanged(beforeIncrease, afterIncrease, logInverseWarning) {
            warningDetected = true
            driftDetected = false
        } else {
            warningDetected = false
            driftDetected = false
        }
        if configuration.twoSidedTest {
            if total.mean - epsilon > decreaseCutPoint {
                decreaseCutPoint = total.mean - epsilon
                beforeDecrease = total
                afterDecrease = Sample()
            } else {
                updateSample(&afterDecrease, value)
            }
            if hasMeanChanged(afterDecrease, beforeDecrease, logInverseDrift) {
                driftDetected = true
            } else if hasMeanChanged(afterDecrease, beforeDecrease, logInverseWarning) {
                warningDetected = true
            }
        }
        return state
    }

    @inline(__always)
    private func updateSample(_ sample: inout Sample, _ x: Double) {
        sample.update(
            x,
            lambda: configuration.lambda,
            oneMinusLambda: oneMinusLambda,
            lambdaSquared: lambdaSquared,
            oneMinusLambdaSquared: oneMinusLambdaSquared
        )
    }

    @inline(__always)
    private func bound(_ boundCondition: Double, _ logInverseConfidence: Double) -> Double {
        (boundCondition * logInverseConfidence / 2).squareRoot()
    }

    @inline(__always)
    private func hasMeanChanged(_ first: Sample, _ second: Sample, _ logInverseConfidence: Double) -> Bool {
        guard first.initialized, second.initialized else {
            return false
        }
        return second.mean - first.mean > bound(first.boundCondition + second.boundCondition, logInverseConfidence)
    }

    /// Forgets everything observed, keeping the configuration.
    public mutating func reset() {
        total = Sample()
        beforeIncrease = Sample()
        afterIncrease = Sample()
        beforeDecrease = Sample()
        afterDecrease = Sample()
        increaseCutPoint = .infinity
        decreaseCutPoint = -.infinity
        driftDetected = false
        warningDetected = false
    }

    /// Bytes of state: the struct itself, no heap.
    public var memoryFootprint: Int { MemoryLayout<Self>.size }
}
