import DriftProtocol
import ZeroMQ

/// The version printed by `driftwatch --version` and `driftwatch-agent --version`.
public enum DriftwatchVersion {
    /// The driftwatch release, following semantic versioning.
    public static let release = "0.1.0"

    /// The release plus the linked libzmq and the wire protocol version, which users need in bug reports.
    public static var description: String {
        let zmq = ZeroMQContext.libraryVersion
        let wire = "wire protocol v\(WireFormat.majorVersion).\(WireFormat.minorVersion)"
        return "driftwatch \(release) (\(wire), libzmq \(zmq.major).\(zmq.minor).\(zmq.patch))"
    }
}
