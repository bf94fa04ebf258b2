import DriftAgent

/// A simple JSON path selecting values in a request or response body, for payloads in no standard format.
///
/// Syntax: an optional `$`, then steps. `.name` (or a bare leading `name`) selects an object member, `["name"]`
/// a member whose name holds dots or brackets, `[3]` an array element (`[-1]` counts from the end) and `[*]`
/// every element of an array. Examples: `data.rows[*]`, `$.result.scores[*]`, `outputs[0].data[*]`.
///
/// A path selects zero or more values: each `[*]` fans out over an array; a step that does not apply (a missing
/// member, an index out of range, `[*]` on a non-array) selects nothing for that branch.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    public enum Step: Sendable, Hashable {
        /// An object member by name.
        case member(String)
        /// An array element by index; negative counts from the end.
        case index(Int)
        /// Every element of an array.
        case wildcard
    }

    /// The steps, applied left to right.
    public let steps: [Step]
    /// The text the path was parsed from.
    public let description: String

    /// Parses a path.
    /// - Parameter text: the path, e.g. `data.rows[*]`.
    /// - Throws: ``AgentHTTPError`` with code `invalid-json-path` saying what is wrong.
    public init(parsing text: String) throws(AgentHTTPError) {
        var steps: [Step] = []
        let characters = Array(text)
        var index = 0
        if index < characters.count && characters[index] == "$" { index += 1 }
        var expectMember = index == 0
        while index < characters.count {
            let character = characters[index]
            if character == "[" {
                expectMember = false
                index += 1
                guard let close = characters[index...].firstIndex(of: "]") else {
                    throw .invalidJSONPath(text, "'[' without ']'")
                }
                let inside = String(characters[index..<close])
                if inside == "*" {
                    steps.append(.wildcard)
                } else if let number = Int(inside) {
                    steps.append(.index(number))
                } else if inside.count >= 2, let first = inside.first, first == "\"" || first == "'",
                    inside.last == first
                {
                    steps.append(.member(String(inside.dropFirst().dropLast())))
                } else {
                    throw .invalidJSONPath(text, "'[\(inside)]' is not an index, '*' or a quoted name")
                }
                index = close + 1
            } else if character == "." || expectMember {
                if character == "." { index += 1 }
                expectMember = false
                var name = ""
                while index < characters.count && characters[index] != "." && characters[index] != "[" {
                    name.append(characters[index])
                    index += 1
                }
                guard !name.isEmpty else { throw .invalidJSONPath(text, "empty member name") }
                steps.append(.member(name))
            } else {
                throw .invalidJSONPath(text, "unexpected '\(character)'")
            }
        }
        guard !steps.isEmpty else { throw .invalidJSONPath(text, "the path selects the whole document") }
        self.steps = steps
        self.description = text
    }

    /// Whether the path has a `[*]` step (and so may select many values).
    public var hasWildcard: Bool { steps.contains(.wildcard) }

    /// Selects the values the path names in `root`.
    /// - Parameter root: the parsed document.
    /// - Returns: the selected values in document order; empty when nothing matches.
    /// - Complexity: O(number of values visited).
    public func select(in root: JSONValue) -> [JSONValue] {
        var current = [root]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch step {
                case .member(let name):
                    if let member = value[name] { next.append(member) }
                case .index(let position):
                    guard let elements = value.arrayValue else { continue }
                    let resolved = position < 0 ? elements.count + position : position
                    if elements.indices.contains(resolved) { next.append(elements[resolved]) }
                case .wildcard:
                    if let elements = value.arrayValue { next.append(contentsOf: elements) }
                }
            }
            current = next
        }
        return current
    }
}
