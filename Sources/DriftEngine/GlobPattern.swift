/// A shell-style glob on model and feature names: `*` (any run, possibly empty), `?` (one character),
/// `[abc]`, `[a-z]` and `[!abc]` (one character in, or not in, the set). Everything else matches itself; a `[`
/// without its `]` matches a literal `[`.
///
/// Matching works on Unicode scalars with the iterative two-pointer algorithm (backtracking only to the last `*`),
/// so it is O(pattern × name) in the worst case and allocation-free apart from the scalar arrays.
public struct GlobPattern: Sendable, Hashable, Codable {
    /// The pattern text.
    public let pattern: String
    private let scalars: [Unicode.Scalar]

    /// Creates a pattern.
    /// - Parameter pattern: the glob text.
    public init(_ pattern: String) {
        self.pattern = pattern
        scalars = Array(pattern.unicodeScalars)
    }

    /// Decodes from a string.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as a string.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(pattern)
    }

    /// Whether the pattern contains `*`, `?` or `[` (otherwise it only matches itself).
    public var hasWildcards: Bool { scalars.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    /// Whether `name` matches the whole pattern.
    /// - Parameter name: a model or feature name.
    /// - Returns: true on a full match.
    /// - Complexity: O(p·n) worst case.
    public func matches(_ name: String) -> Bool {
        let text = Array(name.unicodeScalars)
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < scalars.count {
                let c = scalars[p]
                if c == "*" {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if c == "?" {
                    p += 1
                    t += 1
                    continue
                }
                if c == "[", let (matched, next) = matchClass(at: p, text[t]) {
                    if matched {
                        p = next
                        t += 1
                        continue
                    }
                } else if c == text[t] {
                    p += 1
                    t += 1
                    continue
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < scalars.count && scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }

    /// Matches one character against the class starting at `start` (a `[`); nil when the class is unterminated.
    private func matchClass(at start: Int, _ character: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < scalars.count && (scalars[i] == "!" || scalars[i] == "^") {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < scalars.count {
            let c = scalars[i]
            if c == "]" && !first {
                return (matched != negate, i + 1)
            }
            first = false
            if i + 2 < scalars.count && scalars[i + 1] == "-" && scalars[i + 2] != "]" {
                if c <= character && character <= scalars[i + 2] { matched = true }
                i += 3
            } else {
                if c == character { matched = true }
                i += 1
            }
        }
        return nil
    }
}
