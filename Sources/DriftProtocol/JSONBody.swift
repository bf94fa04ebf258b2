#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The canonical JSON form of alert and trigger bodies: UTF-8, keys sorted, no insignificant whitespace, so the
/// same value always gives the same bytes. The binary codec does not use this file.
public enum JSONBody {
    /// Encodes a body.
    /// - Parameter value: an ``Alert``, a ``RetrainTrigger`` or another `Encodable` body.
    /// - Returns: canonical JSON bytes.
    /// - Throws: ``ProtocolError`` with ``ProtocolError/Reason/invalidJSON(_:)`` when a number is not finite.
    public static func encode<Body: Encodable>(_ value: Body) throws(ProtocolError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw ProtocolError(.invalidJSON("\(error)"), at: nil)
        }
    }

    /// Decodes a body.
    /// - Parameters:
    ///   - type: the body type.
    ///   - bytes: JSON bytes.
    /// - Returns: the body.
    /// - Throws: ``ProtocolError`` with ``ProtocolError/Reason/invalidJSON(_:)`` describing what was wrong.
    public static func decode<Body: Decodable>(_ type: Body.Type, from bytes: [UInt8]) throws(ProtocolError) -> Body {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ProtocolError(.invalidJSON("\(error)"), at: nil)
        }
    }
}
