/// How a request ended: ok, or an error with a producer-defined code.
public enum Outcome: Sendable, Hashable {
    /// The request succeeded (wire code 0).
    case ok
    /// The request failed with `code` (1...65535; an HTTP status, a gRPC code, or any producer convention).
    case error(code: UInt16)

    /// Creates an outcome from its wire code (0 is ok).
    /// - Parameter wireCode: the code on the wire.
    public init(wireCode: UInt16) {
        self = wireCode == 0 ? .ok : .error(code: wireCode)
    }

    /// The wire code: 0 for ok, the error code otherwise. An `.error(code: 0)` is written as 0, i.e. ok.
    public var wireCode: UInt16 {
        switch self {
        case .ok: 0
        case .error(let code): code
        }
    }

    /// Whether this outcome is an error.
    public var isError: Bool { wireCode != 0 }
}
