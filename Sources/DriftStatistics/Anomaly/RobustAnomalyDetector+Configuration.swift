extension RobustAnomalyDetector {
    /// The parameters of a ``RobustAnomalyDetector``. Periods count observations, not time.
    ///
    /// ``default`` is the single configuration used for every series in the NAB evaluation
    /// (`docs/anomaly-detection.md` explains how each value was chosen and what was tuned on the visible NAB set).
    public struct Configuration: Sendable, Hashable, Codable {
        /// The number of most recent values the baseline is computed from (default 1024: about 3.6 days of
        /// 5-minute samples, so several daily cycles are inside the window). Memory is `16 × windowSize` bytes.
        public var windowSize: Int
        /// The smallest `|z|` that counts as anomalous (default 4; i.i.d. normal noise then alarms about once per
        /// 16 000 observations, since `P(|Z| ≥ 4) ≈ 6.3e-5`).
        public var threshold: Double
        /// After an alarm, anomalous observations within this many observations are reported as
        /// ``AnomalyVerdict/Status/suppressed`` instead of alarming (default 200: about the time a level shift takes
        /// to fill enough of a 1024-value window, roughly a fifth, for the trimmed scale to absorb it).
        public var refractoryPeriod: Int
        /// No alarm is raised until more than this many finite observations have been seen (default 150).
        public var warmUp: Int
        /// The floor of the scale relative to `max(1, |median|)`, so a constant window still scores a change
        /// (default 1e-6).
        public var minimumRelativeScale: Double

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - windowSize: Sliding window length in observations (≥ 8).
        ///   - threshold: Robust z-score threshold (> 0).
        ///   - refractoryPeriod: Observations after an alarm during which no new alarm is raised (≥ 0).
        ///   - warmUp: Observations before the first possible alarm (≥ 0).
        ///   - minimumRelativeScale: Relative floor of the scale (> 0).
        public init(
            windowSize: Int = 1024,
            threshold: Double = 4,
            refractoryPeriod: Int = 200,
            warmUp: Int = 150,
            minimumRelativeScale: Double = 1e-6
        ) {
            self.windowSize = windowSize
            self.threshold = threshold
            self.refractoryPeriod = refractoryPeriod
            self.warmUp = warmUp
            self.minimumRelativeScale = minimumRelativeScale
        }

        /// The defaults: the one configuration evaluated on NAB.
        public static let `default` = Configuration()

        /// Human-readable problems with this configuration; empty when it is valid.
        public var validationFailures: [String] {
            var failures: [String] = []
            if windowSize < RobustAnomalyDetector.minimumScoringCount {
                failures.append("windowSize must be at least \(RobustAnomalyDetector.minimumScoringCount)")
            }
            if !(threshold > 0) || !threshold.isFinite {
                failures.append("threshold must be finite and positive")
            }
            if refractoryPeriod < 0 {
                failures.append("refractoryPeriod must not be negative")
            }
            if warmUp < 0 {
                failures.append("warmUp must not be negative")
            }
            if !(minimumRelativeScale > 0) || !minimumRelativeScale.isFinite {
                failures.append("minimumRelativeScale must be finite and positive")
            }
            return failures
        }
    }
}
