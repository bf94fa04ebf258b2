/// Everything a `driftwatch simulate` run needs, resolved from the command line.
struct SimulationConfiguration: Sendable {
    /// The collector's agent-ingest endpoint.
    var endpoint: String
    /// The model names, one stream each.
    var modelNames: [String]
    /// The model version in every batch header.
    var modelVersion: String
    /// Requests per second per model before incidents.
    var rate: Double
    /// How long the run lasts, in event-time nanoseconds; `nil` runs until stopped.
    var duration: Int64?
    /// The seed of every generator of the run.
    var seed: UInt64
    /// Events (or labels) per batch.
    var batchSize: Int
    /// A partial batch is sent once its first element is this old (event-time nanoseconds).
    var batchInterval: Int64
    /// The incident schedule.
    var incidents: [Incident]
    /// Share of requests that get a delayed ground-truth label.
    var labelFraction: Double
    /// How long after its request a label is observed, in nanoseconds.
    var labelDelay: Int64
    /// The agent id (DEALER routing id and batch headers).
    var agentID: String
    /// Generate event time synthetically, without sleeping.
    var fast: Bool
    /// The event time of the start of the run, nanoseconds since the epoch.
    var startTime: Int64
    /// Unacknowledged batches kept before the run waits for acknowledgements.
    var windowCapacity = 1024
    /// How long a batch waits for its acknowledgement before it is resent.
    var resendAfter: Duration = .seconds(2)
    /// At the end, how long the run keeps waiting for outstanding acknowledgements once they stop advancing.
    var drainStallTimeout: Duration = .seconds(5)
    /// How often progress is printed (wall-clock).
    var progressInterval: Duration = .seconds(5)
}
