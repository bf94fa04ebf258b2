/// The one error type of `DriftStatistics`.
///
/// Every failure carries a stable machine-readable ``code`` (safe to match on, log and export as a metric label),
/// a human ``message`` naming what was wrong, and an optional underlying ``cause``.
public struct StatisticsError: Error, Sendable, CustomStringConvertible {
    /// A stable identifier for the kind of failure. The raw values never change once released.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The stable string form, e.g. `"empty_sample"`.
        public let rawValue: String

        /// Creates a code from its stable string form.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A sample that must hold at least one value (or one per group) was empty.
        public static let emptySample = Code(rawValue: "empty_sample")
        /// Two inputs that must have the same length did not.
        public static let mismatchedLengths = Code(rawValue: "mismatched_lengths")
        /// A parameter was outside its documented domain (a capacity of zero, an accuracy outside (0, 1), …).
        public static let invalidParameter = Code(rawValue: "invalid_parameter")
        /// A value that must be a probability (in [0, 1]) or a count was not.
        public static let invalidProbability = Code(rawValue: "invalid_probability")
        /// A value was NaN or infinite where a finite number is required.
        public static let nonFiniteValue = Code(rawValue: "non_finite_value")
        /// The data do not allow the computation (e.g. all categories empty, zero total weight).
        public static let degenerateData = Code(rawValue: "degenerate_data")
        /// Two structures that must share a layout (bins, accuracy, categories) to be merged or compared did not.
        public static let incompatibleStructures = Code(rawValue: "incompatible_structures")

        /// The stable string form.
        public var description: String { rawValue }
    }

    /// The stable kind of failure.
    public let code: Code
    /// A fixed human sentence describing the failure.
    public let message: String
    /// The underlying error, if any.
    public let cause: (any Error & Sendable)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The stable kind of failure.
    ///   - message: A human sentence naming what was wrong.
    ///   - cause: The underlying error, if any.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code.rawValue): \(message)" }
}
