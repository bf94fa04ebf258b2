import ZeroMQ

/// How an agent batches, stores and delivers what it records. The defaults suit one model process at up to tens
/// of thousands of requests per second.
public struct AgentConfiguration: Sendable, Equatable {
    /// The collector's ingest endpoint (a ZeroMQ endpoint such as `tcp://collector:7701`).
    public var collectorEndpoint: String
    /// The agent id used when the spool is new (an existing spool keeps the id its sequence numbers belong to).
    /// nil makes one from the host name and a random suffix.
    public var agentID: String?
    /// Where the on-disk spool lives; nil keeps it in memory (lost if the process dies).
    public var spoolDirectory: String?
    /// The spool's size bound in bytes; beyond it new batches are dropped and counted (`spool_full`).
    public var spoolMaxBytes: Int = 256 * 1024 * 1024
    /// Events plus labels the in-memory queue holds between two passes of the delivery worker; beyond it new
    /// ones are dropped and counted (`queue_full`).
    public var queueCapacity: Int = 100_000
    /// Events (or labels) per batch.
    public var batchMaxEvents: Int = 512
    /// Encoded bytes per batch.
    public var batchMaxBytes: Int = 1024 * 1024
    /// The longest a batch stays open before it is sealed and sent.
    public var flushInterval: Duration = .milliseconds(100)
    /// Batches sent and not yet acknowledged, at most.
    public var maxUnacknowledged: Int = 64
    /// How long a sent batch waits for its acknowledgement before it is sent again.
    public var resendAfter: Duration = .seconds(2)
    /// How long ``MonitoringAgent/shutdown()`` waits for acknowledgements; what is still unacknowledged then
    /// stays in the spool for the next start.
    public var drainTimeout: Duration = .seconds(5)

    /// CURVE keys for a collector that requires them: the collector's public key and this agent's key pair (whose
    /// public key must be on the collector's allow-list). nil sends in plain text (loopback or trusted networks).
    public var curve: CurveClientKeys?

    /// A configuration with the defaults.
    /// - Parameters:
    ///   - collectorEndpoint: the collector's ingest endpoint.
    ///   - spoolDirectory: the spool directory, or nil for an in-memory spool.
    public init(collectorEndpoint: String, spoolDirectory: String? = nil) {
        self.collectorEndpoint = collectorEndpoint
        self.spoolDirectory = spoolDirectory
    }

    /// Checks every value's range.
    /// - Throws: ``AgentError`` naming the first value out of range.
    public func validate() throws(AgentError) {
        func require(_ condition: Bool, _ message: String) throws(AgentError) {
            if !condition { throw AgentError(.invalidConfiguration, message) }
        }
        try require(!collectorEndpoint.isEmpty, "the collector endpoint is empty")
        try require(spoolMaxBytes >= 64 * 1024, "the spool bound must be at least 64 KiB (got \(spoolMaxBytes))")
        try require(queueCapacity >= 1, "the queue capacity must be at least 1 (got \(queueCapacity))")
        try require(
            (1...65_536).contains(batchMaxEvents),
            "events per batch must be 1…65536 (got \(batchMaxEvents))"
        )
        try require(
            (1024...(16 * 1024 * 1024)).contains(batchMaxBytes),
            "the batch size bound must be 1 KiB…16 MiB (got \(batchMaxBytes))"
        )
        try require(flushInterval > .zero, "the flush interval must be positive")
        try require(maxUnacknowledged >= 1, "at least one batch must be allowed unacknowledged")
        try require(resendAfter > .zero, "the resend timeout must be positive")
        if let agentID {
            try require(!agentID.isEmpty && agentID.utf8.count <= 1024, "the agent id must be 1…1024 bytes")
        }
    }
}

/// The keys a CURVE client presents: the server's public key and its own key pair.
public struct CurveClientKeys: Sendable, Equatable {
    /// The collector's public key.
    public var serverKey: CurveKey
    /// This client's key pair.
    public var keyPair: CurveKeyPair

    /// Creates client keys.
    public init(serverKey: CurveKey, keyPair: CurveKeyPair) {
        self.serverKey = serverKey
        self.keyPair = keyPair
    }
}
