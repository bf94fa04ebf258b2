/// Where capture front ends (the HTTP proxy, the JSON-lines listeners, the in-process API) hand what they observe.
///
/// Implementations never block the caller on I/O: the agent's ``EventRecorder`` appends to a bounded in-memory
/// queue and counts what it must drop, so the model's request path costs a lock and a copy at most.
public protocol AgentEventSink: Sendable {
    /// Records one observed request; returns false when it was dropped (queue full, counted by the sink).
    @discardableResult
    func record(_ event: AgentEvent) -> Bool
    /// Records one delayed label; returns false when it was dropped.
    @discardableResult
    func record(_ label: AgentLabel) -> Bool
}
