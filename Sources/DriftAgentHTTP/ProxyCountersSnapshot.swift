/// The reverse proxy's counters at one moment, for the agent's `/metrics` (all totals since the proxy started).
public struct ProxyCountersSnapshot: Sendable, Hashable {
    /// Requests received and forwarded (or attempted) to the upstream.
    public var requestsProxied: Int = 0
    /// Upstream answers with a status of 500 or more.
    public var upstreamServerErrors: Int = 0
    /// Requests the upstream did not answer in time (504 to the client, or a response cut short).
    public var upstreamTimeouts: Int = 0
    /// Requests that could not reach the upstream: connection refused or reset (502 to the client).
    public var upstreamConnectionFailures: Int = 0
    /// Upstream connections closed by the proxy because they had been idle longer than the idle timeout when the
    /// next request came (it then opened a new one).
    public var upstreamIdleCloses: Int = 0
    /// Client connections that closed before their response was complete. When the whole request had reached the
    /// model, its answer is still awaited and recorded (and discarded); otherwise the exchange ends there.
    public var clientAborts: Int = 0
    /// Requests not recorded because of the sampling rate.
    public var sampledOut: Int = 0
    /// Requests not recorded because their method is not recorded (e.g. health checks with GET).
    public var notRecordedMethod: Int = 0
    /// Events handed to the sink and accepted.
    public var eventsRecorded: Int = 0
    /// Events the sink refused (its queue was full; the sink counts them too).
    public var eventsDropped: Int = 0
    /// Requests whose bodies could not be fully read, by reason.
    public var extractionFailures: [ExtractionFailure: Int] = [:]

    /// Creates an all-zero snapshot.
    public init() {}

    /// All upstream errors: server errors, timeouts and connection failures.
    public var upstreamErrors: Int { upstreamServerErrors + upstreamTimeouts + upstreamConnectionFailures }

    /// Extraction failures for one reason (0 when none).
    /// - Parameter reason: the reason.
    /// - Returns: the count.
    public func extractionFailures(_ reason: ExtractionFailure) -> Int { extractionFailures[reason, default: 0] }
}
