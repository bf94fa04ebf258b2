import Foundation
import ZeroMQ

/// Where the collector delivers retraining triggers (docs/triggers.md).
///
/// Each sink receives every trigger, through the durable outbox, until it acknowledges it. A sink's ``name`` is its
/// key in the outbox, so a restarted collector with the same flags resumes the same deliveries.
public enum TriggerSink: Sendable, Hashable {
    /// A ZeroMQ ROUTER (the training system binds it; the collector connects a DEALER) that answers every trigger
    /// with an `ack` carrying its id. With `serverKey` (the receiver's CURVE public key) the DEALER is a CURVE client
    /// presenting the collector's own key pair (``CollectorConfiguration/curveKeyPair``): the trigger is encrypted
    /// and goes only to the holder of the matching secret key.
    case zeroMQ(String, serverKey: CurveKey? = nil)
    /// An HTTP endpoint receiving a JSON POST; any 2xx answer acknowledges.
    case webhook(URL)
    /// A command run through `/bin/sh -c` with the trigger JSON on standard input and key fields in environment
    /// variables; exit status 0 acknowledges.
    case exec(String)

    /// Every sink kind, the `sink` label values of the delivery counters.
    static let kinds = ["zmq", "webhook", "exec"]

    /// `zmq`, `webhook` or `exec`.
    public var kind: String {
        switch self {
        case .zeroMQ: "zmq"
        case .webhook: "webhook"
        case .exec: "exec"
        }
    }

    /// The sink's key in the outbox and the API: `zmq:ENDPOINT`, `webhook:URL` or `exec:COMMAND`.
    public var name: String {
        switch self {
        case .zeroMQ(let endpoint, _): "zmq:\(endpoint)"
        case .webhook(let url): "webhook:\(url.absoluteString)"
        case .exec(let command): "exec:\(command)"
        }
    }
}
