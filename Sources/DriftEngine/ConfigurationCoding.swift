/// Decoding helpers shared by the configuration types: layered decoding on top of a base value, strict key
/// checking and human durations.
///
/// Every configuration section decodes with `init(from:base:)`: a key that is absent keeps the base's value, so a
/// YAML file only lists what it changes, and a per-model section layers on top of the global defaults. Unknown
/// keys are rejected with a `DecodingError` whose coding path names the key, so a typo never goes unnoticed.

/// A coding key built from any string (for maps keyed by model or feature name, and for unknown-key checks).
struct DynamicCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Durations in configuration files: an integer is nanoseconds, a string is a number followed by a unit
/// (`ns`, `us`, `ms`, `s`, `m`, `h`, `d`), e.g. `30s`, `250ms`, `1.5h`.
public enum ConfigurationDuration {
    /// Parses a duration string.
    /// - Parameter text: e.g. `30s`, `5m`, `250ms`, `1000000ns`.
    /// - Returns: nanoseconds, or nil when the text is not a duration or is negative or too large.
    public static func parse(_ text: String) -> Int64? {
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
            ("d", 86_400e9),
        ]
        let trimmed = text.trimmingSpaces()
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "ms" also ends with "s": try the longest suffixes first by skipping a bare "s" preceded by "m"/"n"/"u".
            if suffix == "s", let last = number.last, last == "m" || last == "n" || last == "u" || last == "µ" {
                continue
            }
            guard let value = Double(String(number)), value >= 0, value.isFinite else { return nil }
            let nanoseconds = value * scale
            guard nanoseconds < 9.2e18 else { return nil }
            return Int64(nanoseconds.rounded())
        }
        if let plain = Int64(trimmed), plain >= 0 { return plain }
        return nil
    }

    /// Formats nanoseconds with the largest unit that divides them exactly (`30s`, `1500ms`, `7ns`).
    /// - Parameter nanoseconds: a non-negative duration.
    /// - Returns: the text form, parseable by ``parse(_:)``.
    public static func format(_ nanoseconds: Int64) -> String {
        let units: [(String, Int64)] = [
            ("d", 86_400_000_000_000), ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
            ("ms", 1_000_000), ("us", 1000),
        ]
        for (suffix, scale) in units where nanoseconds != 0 && nanoseconds % scale == 0 {
            return "\(nanoseconds / scale)\(suffix)"
        }
        return "\(nanoseconds)ns"
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}

extension Decoder {
    /// Throws when the keyed container holds a key outside `known`, naming the key in the coding path.
    func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_ known: Key.Type, allowing extra: [String] = []) throws {
        let container = try self.container(keyedBy: DynamicCodingKey.self)
        let allowed = Set(Key.allCases.map(\.stringValue) + extra)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue })
        where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription:
                        "unknown key '\(key.stringValue)'; expected one of: \(allowed.sorted().joined(separator: ", "))"
                )
            )
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a value if present, else returns `fallback`.
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }

    /// Decodes a duration (integer nanoseconds or a string such as `30s`) if present, else returns `fallback`.
    func duration(_ key: Key, or fallback: Int64) throws -> Int64 {
        guard contains(key) else { return fallback }
        if let number = try? decode(Int64.self, forKey: key) {
            guard number >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: key,
                    in: self,
                    debugDescription: "a duration must not be negative"
                )
            }
            return number
        }
        let text = try decode(String.self, forKey: key)
        guard let parsed = ConfigurationDuration.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: self,
                debugDescription:
                    "expected a duration such as 30s, 250ms, 5m or 1h (or integer nanoseconds), got '\(text)'"
            )
        }
        return parsed
    }

    /// Decodes a nested section layered on `base` if present, else returns `base`.
    func section<T: LayeredDecodable>(_ key: Key, base: T) throws -> T {
        guard contains(key) else { return base }
        return try T(from: try superDecoder(forKey: key), base: base)
    }
}

/// A configuration section that decodes on top of a base value (absent keys keep the base's values).
public protocol LayeredDecodable: Decodable {
    /// Decodes, taking every absent key from `base`.
    /// - Parameters:
    ///   - decoder: the decoder positioned at this section.
    ///   - base: the values used for absent keys.
    /// - Throws: `DecodingError` for a wrong type, an invalid value or an unknown key.
    init(from decoder: any Decoder, base: Self) throws
}

extension KeyedEncodingContainer {
    /// Encodes a duration as its text form (`30s`).
    mutating func encodeDuration(_ nanoseconds: Int64, forKey key: Key) throws {
        try encode(ConfigurationDuration.format(nanoseconds), forKey: key)
    }
}
