import DriftProtocol
import TestSupport
import Testing

@testable import DriftAgent

/// The byte scanner that reads common event lines without a `JSONValue` tree must be invisible: every line decodes
/// to the same event, or is refused with the same error, as through the tree decoder (`JSONValue.parse` then
/// `decode(_:text:now:)`), which the scanner hands every line it does not cover.
@Suite("JSON-lines byte scanner agrees with the tree decoder")
struct JSONLineScannerTests {
    let decoder = JSONLineDecoder(defaultModel: "fraud", defaultVersion: "7")

    /// The outcome through the tree decoder alone.
    private func viaTree(_ bytes: [UInt8]) -> Result<JSONLineDecoder.Item, AgentError> {
        Result { () throws(AgentError) in try decoder.decode(JSONValue.parse(bytes), text: bytes, now: 42) }
    }

    /// The outcome through the public entry point (scanner first), from an array and from a raw buffer slice as
    /// the listeners pass it.
    private func viaLine(_ bytes: [UInt8]) -> [Result<JSONLineDecoder.Item, AgentError>] {
        let fromArray = Result { () throws(AgentError) in try decoder.decode(bytes, now: 42) }
        let padded = [UInt8(ascii: "x")] + bytes + [UInt8(ascii: "\n")]
        let fromBuffer = padded.withUnsafeBufferPointer { buffer in
            let line = UnsafeBufferPointer(rebasing: buffer[1..<(buffer.count - 1)])
            return Result { () throws(AgentError) in try decoder.decode(line, now: 42) }
        }
        return [fromArray, fromBuffer]
    }

    private func expectAgreement(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(text.utf8)
        let expected = viaTree(bytes)
        for result in viaLine(bytes) {
            #expect(result == expected, "line: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test(
        "Hand-picked lines: numbers at the edges, repeated keys, escapes, nesting, refusals",
        arguments: [
            #"{"request_id":"r","latency_ms":0.84,"prediction":0.93,"features":{"a":120.5,"b":42,"c":"DE","d":true}}"#,
            #"  {"features":{"x":-0,"y":0.1,"z":1e22,"w":1e23,"v":9007199254740993,"u":123456789012345678901}}  "#,
            #"{"features":{"x":2.2250738585072014e-308,"y":4.9e-324,"z":1.7976931348623157e308,"t":0.30000000000000004}}"#,
            #"{"features":{"x":1e400}}"#,
            #"{"features":{"x":-1e-400,"y":0e99999999999,"z":1E+2,"w":1e-22,"v":123.456e-25}}"#,
            #"{"features":{"x":01}}"#,
            #"{"features":{"x":1.}}"#,
            #"{"features":{"x":.5}}"#,
            #"{"features":{"x":1,"x":"a"}}"#,
            #"{"features":{"x":"a","x":1}}"#,
            #"{"features":{"x":1,"x":2}}"#,
            #"{"features":{"x":1},"features":{"y":"b"}}"#,
            #"{"features":{"x":1},"features":null}"#,
            #"{"metrics":{"m":1,"m":2}}"#,
            #"{"metrics":{"m":1},"metrics":{"n":2}}"#,
            #"{"metrics":{"m":"1"}}"#,
            #"{"model":"a","model":"b","version":null,"version":"v2"}"#,
            #"{"model":null}"#,
            #"{"model":""}"#,
            #"{"request_id":"caf\u00e9","features":{"n\"ame":1}}"#,
            #"{"features":{"tab":"a\tb"}}"#,
            "{\"features\":{\"ctl\":\"a\u{01}b\"}}",
            "{\"features\":{\"bad\":\"\u{FF}\"}}",
            #"{"timestamp_ns":1732300000123456789,"timestamp_ns":null,"timestamp":1.5}"#,
            #"{"timestamp_ns":null,"timestamp_ns":17}"#,
            #"{"timestamp_ns":-9223372036854775808}"#,
            #"{"timestamp_ns":9223372036854775808}"#,
            #"{"timestamp_ns":1.5}"#,
            #"{"timestamp_ns":"5"}"#,
            #"{"timestamp":9e9}"#,
            #"{"timestamp":-1.25,"features":{"timestamp_ns":3}}"#,
            #"{"outcome":0}"#,
            #"{"outcome":500.0}"#,
            #"{"outcome":500.5}"#,
            #"{"outcome":"ok"}"#,
            #"{"outcome":"fail"}"#,
            #"{"prediction":{"b":0.5,"a":0.5}}"#,
            #"{"prediction":{"a":0.5,"a":0.25}}"#,
            #"{"prediction":{}}"#,
            #"{"prediction":{"a":1.5}}"#,
            #"{"prediction":[1]}"#,
            #"{"prediction":true,"latency_ms":null}"#,
            #"{"latency_ms":-0.0}"#,
            #"{"type":"event","extra":{"deep":[1,{"x":[true,false,null]}],"s":"t"}}"#,
            #"{"type":"label","request_id":"r","label":"yes"}"#,
            #"{"type":null}"#,
            #"{"type":"Event"}"#,
            #"{"a":1,}"#,
            #"{"a" 1}"#,
            #"{"a":1}x"#,
            #"{"a":tru}"#,
            #"{"a":[1,2,]}"#,
            #"{}"#,
            #"{ }"#,
            "",
            "   ",
            #"[]"#,
            #""{}""#,
            String(repeating: "[", count: 127) + String(repeating: "]", count: 127),
            #"{"x":"# + String(repeating: "[", count: 127) + String(repeating: "]", count: 127) + "}",
            #"{"x":"# + String(repeating: "[", count: 128) + String(repeating: "]", count: 128) + "}",
        ]
    )
    func handPicked(line: String) {
        expectAgreement(line)
    }

    @Test("Invalid UTF-8 in names and values is replaced as the tree decoder replaces it")
    func invalidUTF8() {
        let line =
            Array(#"{"request_id":"r"#.utf8) + [0xFF, 0xC3] + Array(#"","features":{"n"#.utf8) + [0xE2, 0x82]
            + Array(#"":"v"#.utf8) + [0x80] + Array(#""}}"#.utf8)
        let expected = viaTree(line)
        guard case .success(.event(let event)) = expected else {
            Issue.record("the tree decoder refused the line: \(expected)")
            return
        }
        #expect(event.requestID == "r\u{FFFD}\u{FFFD}")
        for result in viaLine(line) { #expect(result == expected) }
    }

    @Test("Generated event lines, well-formed and damaged, agree (seeded)", arguments: [1, 2, 3, 4] as [UInt64])
    func generated(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var covered = 0
        for _ in 0..<2_000 {
            var text = Self.eventLine(&random)
            let damaged = Int.random(in: 0..<4, using: &random) == 0
            if damaged {
                // Damage: drop, duplicate or replace one byte.
                var bytes = Array(text.utf8)
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(bytes[position], at: position)
                default: bytes[position] = Array(#"{}[]",:"0-.e\"#.utf8).randomElement(using: &random) ?? 0
                }
                text = String(decoding: bytes, as: UTF8.self)
            }
            let expected = viaTree(Array(text.utf8))
            if case .success(.event(let event)) = expected, !damaged {
                covered += 1
                // The generator writes no escapes and no repeated names: every line it makes that decodes is the
                // scanner's to read, not the fallback's.
                let scanned = Array(text.utf8).withUnsafeBufferPointer { bytes in
                    JSONLineScanner.event(in: bytes, defaultModel: "fraud", defaultVersion: "7", now: 42)
                }
                #expect(scanned == event, "seed \(seed), line: \(text)")
            }
            for result in viaLine(Array(text.utf8)) {
                #expect(result == expected, "seed \(seed), line: \(text)")
            }
        }
        // The generator must mostly produce lines that decode, or the comparison says little.
        #expect(covered > 600)
    }

    private static func eventLine(_ random: inout SplitMix64) -> String {
        var members: [String] = []
        if Bool.random(using: &random) { members.append(#""model":"m\#(Int.random(in: 0..<3, using: &random))""#) }
        if Bool.random(using: &random) { members.append(#""request_id":"req-\#(random.next())""#) }
        if Bool.random(using: &random) { members.append(#""latency_ms":\#(number(&random))"#) }
        if Bool.random(using: &random) {
            members.append(#""timestamp_ns":\#(Int64.random(in: .min ... .max, using: &random))"#)
        }
        if Bool.random(using: &random) {
            members.append(#""outcome":\#(["\"ok\"", "\"error\"", "503", "0", "null"].randomElement(using: &random)!)"#)
        }
        switch Int.random(in: 0..<4, using: &random) {
        case 0: members.append(#""prediction":\#(number(&random))"#)
        case 1: members.append(#""prediction":"class-\#(Int.random(in: 0..<3, using: &random))""#)
        case 2: members.append(#""prediction":{"a":0.25,"b":0.75}"#)
        default: break
        }
        var features: [String] = []
        for index in 0..<Int.random(in: 0..<8, using: &random) {
            let name = Int.random(in: 0..<10, using: &random) == 0 ? "a_rather_long_feature_name_\(index)" : "f\(index)"
            let value =
                switch Int.random(in: 0..<5, using: &random) {
                case 0: "\"v\(Int.random(in: 0..<5, using: &random))\""
                case 1: Bool.random(using: &random) ? "true" : "false"
                case 2: "null"
                default: number(&random)
                }
            features.append("\"\(name)\" : \(value)")
        }
        members.append(#""features":{\#(features.joined(separator: ","))}"#)
        if Bool.random(using: &random) { members.append(#""metrics":{"tokens":\#(number(&random))}"#) }
        members.shuffle(using: &random)
        return "{" + members.joined(separator: Bool.random(using: &random) ? "," : " , ") + "}"
    }

    /// A JSON number in one of the forms models print: integers, decimals, exponents, long digit strings.
    private static func number(_ random: inout SplitMix64) -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: "\(Int.random(in: -1_000_000...1_000_000, using: &random))"
        case 1: "\(Double.random(in: -1e6...1e6, using: &random))"
        case 2: "\(Double.random(in: 0...1, using: &random))e\(Int.random(in: -330...330, using: &random))"
        case 3: "\(UInt64.random(in: 0 ... .max, using: &random))\(UInt64.random(in: 0 ... .max, using: &random))"
        case 4:
            "0.\(String(repeating: "0", count: Int.random(in: 0..<25, using: &random)))\(Int.random(in: 1...999, using: &random))"
        default:
            "-\(Int.random(in: 0...9, using: &random)).\(Int.random(in: 0...99_999, using: &random))E+\(Int.random(in: 0...25, using: &random))"
        }
    }
}
