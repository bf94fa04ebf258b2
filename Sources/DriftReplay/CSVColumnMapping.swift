/// Which columns of a CSV file are what, for `driftwatch backtest --csv-*` (docs/backtest.md).
public struct CSVColumnMapping: Sendable, Hashable {
    /// How timestamps are written.
    public enum TimestampFormat: String, Sendable, Hashable, CaseIterable {
        /// Seconds since the epoch (decimals allowed).
        case seconds
        /// Milliseconds since the epoch.
        case milliseconds
        /// Nanoseconds since the epoch (an integer).
        case nanoseconds
        /// `YYYY-MM-DD HH:MM:SS[.fraction]` or `YYYY-MM-DDTHH:MM:SS[.fraction][Z]`, always UTC.
        case iso8601
    }

    /// The timestamp column.
    public var timestamp: String = "timestamp"
    /// How the timestamp column is written.
    public var timestampFormat: TimestampFormat = .iso8601
    /// The model name of every row (unless ``modelColumn`` names one per row).
    public var model: String = "csv"
    /// A column holding the model name per row.
    public var modelColumn: String?
    /// The model version of every row.
    public var modelVersion: String = ""
    /// Numeric feature columns (an empty cell is missing).
    public var numericFeatures: [String] = []
    /// Categorical feature columns (an empty cell is missing).
    public var categoricalFeatures: [String] = []
    /// The prediction column: a number, else a class label.
    public var prediction: String?
    /// The latency column, in milliseconds.
    public var latencyMilliseconds: String?
    /// The outcome column: `ok`, `error` or an integer code (empty = ok).
    public var outcome: String?
    /// The request-id column (joins labels).
    public var requestID: String?
    /// The ground-truth column: a label observed with the row (number or class label).
    public var label: String?
    /// Custom-metric columns.
    public var metrics: [String] = []

    /// An empty mapping (timestamp column `timestamp`, ISO 8601, model `csv`).
    public init() {}

    /// The mapping of a NAB series (`timestamp,value`): `value` as the custom metric `value` of the model `model`.
    /// - Parameter model: the model name (e.g. the series' file name).
    public static func nab(model: String) -> CSVColumnMapping {
        var mapping = CSVColumnMapping()
        mapping.model = model
        mapping.metrics = ["value"]
        return mapping
    }
}
