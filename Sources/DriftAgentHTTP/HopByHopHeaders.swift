import NIOHTTP1

/// The headers that belong to one connection (RFC 9110 §7.6.1) and are never forwarded, in either direction: the
/// fixed list plus every header named in the message's `Connection` values.
///
/// Both checks compare ASCII case-insensitively without allocating; a message with nothing to strip (the usual
/// inference request: `Host`, `Content-Length`, `Content-Type`) keeps its header storage as is.
enum HopByHopHeaders {
    /// The fixed hop-by-hop names, lower-case.
    static let names: [String] = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
        "trailer", "transfer-encoding", "upgrade",
    ]

    /// Whether `name` is one of the fixed hop-by-hop names.
    /// - Complexity: O(length of `name`).
    static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: equalsLowercase(name, "te")
        case 7: equalsLowercase(name, "trailer") || equalsLowercase(name, "upgrade")
        case 10: equalsLowercase(name, "connection") || equalsLowercase(name, "keep-alive")
        case 16: equalsLowercase(name, "proxy-connection")
        case 17: equalsLowercase(name, "transfer-encoding")
        case 18: equalsLowercase(name, "proxy-authenticate")
        case 19: equalsLowercase(name, "proxy-authorization")
        default: false
        }
    }

    /// `headers` without the hop-by-hop ones; the same value (no copy) when there is nothing to strip.
    /// - Complexity: O(number of headers × number of `Connection` tokens).
    static func stripped(_ headers: HTTPHeaders) -> HTTPHeaders {
        var found = false
        var onlyPlainConnection = true
        for (name, value) in headers where isHopByHop(name) {
            found = true
            if equalsLowercase(name, "connection")
                && !(equalsLowercase(value, "keep-alive") || equalsLowercase(value, "close"))
            {
                onlyPlainConnection = false
            }
        }
        guard found else { return headers }
        if onlyPlainConnection {
            // The usual case (`Connection: keep-alive` from the model server): no tokens to parse.
            var result = HTTPHeaders()
            result.reserveCapacity(headers.count)
            for (name, value) in headers where !isHopByHop(name) {
                result.add(name: name, value: value)
            }
            return result
        }
        let tokens = connectionTokens(headers)
        func strip(_ name: String) -> Bool {
            isHopByHop(name) || tokens.contains { equalsLowercase(name, $0) }
        }
        guard headers.contains(where: { strip($0.name) }) else { return headers }
        var result = HTTPHeaders()
        result.reserveCapacity(headers.count)
        for (name, value) in headers where !strip(name) {
            result.add(name: name, value: value)
        }
        return result
    }

    /// The lower-cased header names listed in `Connection` values (none, without allocating, when it is absent).
    static func connectionTokens(_ headers: HTTPHeaders) -> [String] {
        guard headers.contains(name: "connection") else { return [] }
        return headers[canonicalForm: "connection"].map { $0.lowercased() }
    }

    /// Whether `name` equals the lower-case ASCII string `lowercase`, ignoring the case of `name`.
    static func equalsLowercase(_ name: String, _ lowercase: String) -> Bool {
        guard name.utf8.count == lowercase.utf8.count else { return false }
        for (byte, expected) in zip(name.utf8, lowercase.utf8) {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if folded != expected { return false }
        }
        return true
    }
}
