import DriftAgent
import DriftAgentHTTP
import Testing

@Suite("Payload JSON parsing and paths")
struct PayloadJSONTests {
    private func parse(_ text: String) throws(AgentError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    @Test("Parses every kind of value and keeps numbers, booleans and null distinct")
    func values() throws {
        let value = try parse(
            #" {"n": -12.5e2, "i": 0, "t": true, "f": false, "z": null, "s": "a", "a": [1, [], {}]} "#
        )
        #expect(
            value
                == .object([
                    "n": .number(-1250), "i": .number(0), "t": .bool(true), "f": .bool(false), "z": .null,
                    "s": .string("a"), "a": .array([.number(1), .array([]), .object([:])]),
                ])
        )
    }

    @Test("Decodes string escapes, including surrogate pairs")
    func escapes() throws {
        let value = try parse(#""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00""#)
        #expect(value == .string("q\"b\\s/n\nt\tué😀"))
    }

    @Test(
        "Rejects malformed documents",
        arguments: [
            "", " ", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "1e", "tru", "nul", "\"abc",
            "\"a\u{01}\"",
            "\"\\x\"", "[1] 2", "{1: 2}", "NaN", "Infinity",
        ]
    )
    func malformed(text: String) {
        #expect(throws: AgentError.self) { try parse(text) }
    }

    @Test("Limits nesting depth")
    func depth() throws {
        let deep =
            String(repeating: "[", count: JSONValue.maximumDepth + 1)
            + String(repeating: "]", count: JSONValue.maximumDepth + 1)
        #expect(throws: AgentError.self) { try parse(deep) }
        let fine =
            String(repeating: "[", count: JSONValue.maximumDepth)
            + String(repeating: "]", count: JSONValue.maximumDepth)
        #expect(throws: Never.self) { try parse(fine) }
    }

    @Test("The error names the code and the byte offset")
    func errorMessage() {
        do {
            _ = try parse("[1, x]")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidJSON)
            #expect(error.message == "invalid JSON at byte 4: unexpected character")
        }
    }

    @Test("Paths parse into steps")
    func pathSteps() throws {
        #expect(try JSONPath(parsing: "a.b[*]").steps == [.member("a"), .member("b"), .wildcard])
        #expect(try JSONPath(parsing: "$.a[0][-1]").steps == [.member("a"), .index(0), .index(-1)])
        #expect(try JSONPath(parsing: "$[*].x").steps == [.wildcard, .member("x")])
        #expect(try JSONPath(parsing: #"a["b.c"]['d']"#).steps == [.member("a"), .member("b.c"), .member("d")])
    }

    @Test("Invalid paths are rejected", arguments: ["", "$", "a..b", "a[", "a[x]", "a.", "$a"])
    func invalidPaths(text: String) {
        #expect(throws: AgentHTTPError.self) { try JSONPath(parsing: text) }
    }

    @Test("Paths select values: members, indices from either end, and wildcards fanning out")
    func selection() throws {
        let document = try parse(#"{"a": [{"b": 1}, {"b": 2}, {"c": 3}], "d": {"e": "x"}}"#)
        #expect(try JSONPath(parsing: "a[*].b").select(in: document) == [.number(1), .number(2)])
        #expect(try JSONPath(parsing: "a[-1].c").select(in: document) == [.number(3)])
        #expect(try JSONPath(parsing: "d.e").select(in: document) == [.string("x")])
        #expect(try JSONPath(parsing: "a[5]").select(in: document) == [])
        #expect(try JSONPath(parsing: "d[*]").select(in: document) == [])
    }
}
