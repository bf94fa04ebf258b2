/// The outcome of feeding one observation to a ``RobustAnomalyDetector``.
///
/// A verdict is a small value: the signed robust z-score of the observation against the detector's sliding window,
/// what the detector decided about it, and the baseline (median and scale) the score was computed against.
public struct AnomalyVerdict: Sendable, Hashable, Codable {
    /// What the detector decided about one observation.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// The value was NaN or infinite: it was skipped and counted, and the detector state is unchanged.
        case skipped
        /// Fewer observations than the warm-up length have been seen: no alarm is possible yet.
        case warmingUp
        /// The observation is consistent with the recent window.
        case normal
        /// The observation is anomalous and an alarm is raised.
        case alarm
        /// The observation is anomalous, but an alarm was raised less than the refractory period ago.
        case suppressed
    }

    /// The side of the baseline an anomalous observation lies on.
    public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
        /// Not anomalous (or not scored).
        case none
        /// Anomalously high: a spike or an upward level shift.
        case up
        /// Anomalously low: a dip or a downward level shift.
        case down
    }

    /// The signed robust z-score `(value − median) / scale` against the window before this observation;
    /// `0` when the observation was skipped or the window is still too small to score.
    public let score: Double
    /// What the detector decided.
    public let status: Status
    /// The direction of the anomaly when ``status`` is ``Status/alarm`` or ``Status/suppressed``, else `.none`.
    public let direction: Direction
    /// The window median the observation was compared with (`0` when not scored).
    public let baseline: Double
    /// The robust scale the observation was compared with (`0` when not scored).
    public let scale: Double
    /// The event time of the observation, in nanoseconds, as passed to the detector.
    public let timestampNanoseconds: Int64

    /// Creates a verdict.
    ///
    /// - Parameters:
    ///   - score: Signed robust z-score.
    ///   - status: The decision.
    ///   - direction: The side of the baseline for anomalous observations.
    ///   - baseline: The median the observation was compared with.
    ///   - scale: The robust scale the observation was compared with.
    ///   - timestampNanoseconds: The observation's event time.
    public init(
        score: Double,
        status: Status,
        direction: Direction,
        baseline: Double,
        scale: Double,
        timestampNanoseconds: Int64
    ) {
        self.score = score
        self.status = status
        self.direction = direction
        self.baseline = baseline
        self.scale = scale
        self.timestampNanoseconds = timestampNanoseconds
    }

    /// `true` when this observation raised an alarm.
    public var isAlarm: Bool { status == .alarm }

    /// `true` when the observation was judged anomalous, whether or not the refractory period let it alarm.
    public var isAnomalous: Bool { status == .alarm || status == .suppressed }
}
