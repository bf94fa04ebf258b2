import RealModule

/// EDDM, the Early Drift Detection Method, with River's defaults.
///
/// Source: M. Baena-García, J. del Campo-Ávila, R. Fidalgo, A. Bifet, R. Gavaldà, R. Morales-Bueno, "Early Drift
/// Detection Method", ECML PKDD Workshop on Knowledge Discovery from Data Streams, 2006; the arithmetic is River
/// 0.26.1's `drift.binary.EDDM`, reproduced event for event. EDDM follows the distance between consecutive errors:
/// with `p′` its running mean and `s′` its standard deviation (Welford, `n − 1` divisor), it remembers the maximum
/// of `p′ + 2s′`; once more than `warmStart` errors were seen, `(p′ + 2s′)/max < β` is a drift and `< α` a warning.
///
/// Assumptions: errors are independent; a shrinking distance between errors means the error rate increased. Meant
/// for gradual drifts; detects increases of the error rate only. As in River, the warning flag keeps its value
/// until the next error is observed, and may still be set when a drift is signalled.
///
/// Memory: the struct only (`MemoryLayout<EDDM>.size` = 82 bytes), no heap.
/// - Complexity: O(1) per update, no allocation.
public struct EDDM: BinaryChangeDetector, Codable, Hashable {
    /// Parameters, with River 0.26.1's defaults.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Events (and errors) required before warnings or drifts (River: `warm_start = 30`).
        public var warmStart: Int
        /// Warning level α (River: `alpha = 0.95`).
        public var alpha: Double
        /// Drift level β (River: `beta = 0.9`).
        public var beta: Double

        /// Creates a configuration; every default is River's.
        public init(warmStart: Int = 30, alpha: Double = 0.95, beta: Double = 0.9) {
            self.warmStart = warmStart
            self.alpha = alpha
            self.beta = beta
        }

        /// Throws `invalid_parameter` unless `warmStart ≥ 0` and `0 < β ≤ α ≤ 1`.
        public func validate() throws(StatisticsError) {
            guard warmStart >= 0, beta > 0, alpha >= beta, alpha <= 1 else {
                throw StatisticsError(.invalidParameter, "EDDM needs warmStart >= 0 and 0 < beta <= alpha <= 1.")
            }
        }
    }

    /// The parameters in use.
    public let configuration: Configuration

    @usableFromInline
    internal var count = 0
    @usableFromInline
    internal var lastError = 0
    @usableFromInline
    internal var errorCount = 0
    @usableFromInline
    internal var distanceCount: Double = 0
    @usableFromInline
    internal var distanceMean: Double = 0
    @usableFromInline
    internal var distanceSquares: Double = 0
    @usableFromInline
    internal var maximum: Double = -1
    @usableFromInline
    internal var isDrift = false
    /// Whether the last update signalled a drift.
    public var driftDetected: Bool { isDrift }
    @usableFromInline
    internal var isWarning = false
    /// Whether the detector is in the warning zone after the last update.
    public var warningDetected: Bool { isWarning }

    /// Creates a detector with River's defaults.
    public init() {
        self.configuration = Configuration()
    }

    /// Creates a detector.
    /// - Throws: ``StatisticsError`` with code `invalid_parameter` for an invalid configuration.
    public init(configuration: Configuration) throws(StatisticsError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// The state after the last update.
    @inlinable
    public var state: ChangeDetectorState { ChangeDetectorState(drift: isDrift, warning: isWarning) }

    /// Feeds one outcome (`true` = error).
    /// - Complexity: O(1), no allocation.
    @inlinable
    @discardableResult
    public mutating func update(_ error: Bool) -> ChangeDetectorState {
        if isDrift {
            reset()
        }
        count += 1
        guard error else {
            return state
        }
        errorCount += 1
        let distance = Double(count - lastError)
        let oldMean = distanceMean
        distanceCount += 1
        distanceMean += (1.0 / distanceCount) * (distance - distanceMean)
        distanceSquares += 1.0 * (distance - oldMean) * (distance - distanceMean)
        if count > configuration.warmStart {
            let variance = distanceCount > 1 ? distanceSquares / (distanceCount - 1) : 0
            // River takes `variance ** 0.5` (libm `pow`), which is within one ulp of the correctly rounded square
            // root. The square root decides whenever the result is clearly away from every threshold it is
            // compared with; otherwise `pow` recomputes it, so the decisions and the stored maximum are River's.
            let estimate = distanceMean + 2 * variance.squareRoot()
            if estimate < maximum * Self.below, errorCount > configuration.warmStart {
                let level = estimate / maximum
                if Self.clear(level, of: configuration.beta), Self.clear(level, of: configuration.alpha) {
                    classify(level)
                } else {
                    compareExactly(variance)
                }
            } else {
                compareExactly(variance)
            }
        }
        lastError = count
        return state
    }

    /// `maximum · below` is under `maximum` by far more than the `pow`/`sqrt` difference (relative 2⁻⁵¹).
    @usableFromInline
    internal static var below: Double { 1 - 0x1p-40 }

    /// Whether `level` is farther from `threshold` than the `pow`/`sqrt` difference can move it.
    @inlinable
    internal static func clear(_ level: Double, of threshold: Double) -> Bool {
        abs(level - threshold) > 0x1p-40 * threshold
    }

    @inlinable
    internal mutating func classify(_ level: Double) {
        if level < configuration.beta {
            isDrift = true
        } else if level < configuration.alpha {
            isWarning = true
        } else {
            isWarning = false
        }
    }

    /// River's comparison with River's `pow`.
    @usableFromInline
    internal mutating func compareExactly(_ variance: Double) {
        let level2s = distanceMean + 2 * Double.pow(variance, 0.5)
        if level2s > maximum {
            maximum = level2s
        } else if errorCount > configuration.warmStart {
            classify(level2s / maximum)
        }
    }

    /// Forgets everything observed, keeping the configuration.
    public mutating func reset() {
        count = 0
        lastError = 0
        errorCount = 0
        distanceCount = 0
        distanceMean = 0
        distanceSquares = 0
        maximum = -1
        isDrift = false
        isWarning = false
    }

    /// Bytes of state: the struct itself, no heap.
    public var memoryFootprint: Int { MemoryLayout<Self>.size }
}
