import RealModule

/// Reduces a value to the representative of its ``DDSketch`` bucket: what a DDSketch of relative accuracy `α`
/// keeps of a value, and nothing more.
///
/// Used to keep only sketch-level information about production feature values (docs/security.md, "Privacy"):
/// every value is replaced by `sign(x)·2γ^k/(γ + 1)` with `k = ⌈log_γ |x|⌉` and `γ = (1 + α)/(1 − α)`, the bucket
/// mapping of DDSketch (Masson, Rim & Lee, PVLDB 12(12), 2019). The result is within `α·|x|` of `x`, so
/// distribution tests keep working on the quantised values, while the value itself cannot be recovered beyond
/// that precision. Magnitudes at or below ``DDSketch/minimumIndexableValue`` become 0; NaN (a missing value)
/// and infinities pass through unchanged.
public struct RelativeAccuracyQuantizer: Sendable, Hashable {
    /// The relative accuracy α.
    public let relativeAccuracy: Double
    private let gamma: Double
    private let inverseLogGamma: Double

    /// Creates a quantizer.
    /// - Parameter relativeAccuracy: α in (0, 1).
    /// - Throws: ``StatisticsError`` `.invalidParameter` when α is outside (0, 1).
    public init(relativeAccuracy: Double) throws(StatisticsError) {
        guard relativeAccuracy > 0, relativeAccuracy < 1 else {
            throw StatisticsError(.invalidParameter, "The relative accuracy must lie strictly between 0 and 1.")
        }
        self.relativeAccuracy = relativeAccuracy
        gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
        inverseLogGamma = 1 / Double.log(gamma)
    }

    /// The bucket representative of `x` (NaN and infinities unchanged).
    /// - Complexity: O(1): one logarithm and one power.
    @inlinable
    public func quantize(_ x: Double) -> Double {
        guard x.isFinite else { return x }
        let magnitude = Swift.abs(x)
        guard magnitude > DDSketch.minimumIndexableValue else { return 0 }
        let representative = bucketValue(magnitude)
        return x < 0 ? -representative : representative
    }

    @usableFromInline
    func bucketValue(_ magnitude: Double) -> Double {
        let key = (Double.log(magnitude) * inverseLogGamma).rounded(.up)
        return 2 * Double.pow(gamma, key) / (gamma + 1)
    }
}
