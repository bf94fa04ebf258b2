// libFuzzer target: the agent's JSON ingest (docs/agent.md, "JSON lines") on arbitrary bytes.
//
// `JSONValue.parse(_:)` and `JSONLineDecoder.decode(_:now:)` must be total: a value or an AgentError, never a trap,
// leak or hang. Parsing is also checked to be deterministic and a decoded line to decode the same way twice, and a
// document that parses is decoded once more as an already parsed value (the path label arrays take).
import DriftAgent

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONIngest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parsed = try? JSONValue.parse(bytes)
    if let parsed, (try? JSONValue.parse(bytes)) != parsed {
        fatalError("JSON ingest: parsing the same bytes twice gave different values")
    }

    let decoder = JSONLineDecoder(defaultModel: nil, defaultVersion: "")
    let item = try? decoder.decode(bytes, now: 1_732_300_000_000_000_000)
    if let item, (try? decoder.decode(bytes, now: 1_732_300_000_000_000_000)) != item {
        fatalError("JSON ingest: decoding the same line twice gave different items")
    }
    if item != nil && parsed == nil {
        fatalError("JSON ingest: a line decoded although it is not valid JSON")
    }

    // The fallbacks a listener configures: a default model and version, and arrays of labels from /labels.
    let withDefaults = JSONLineDecoder(defaultModel: "fuzz", defaultVersion: "v1")
    _ = try? withDefaults.decode(bytes, now: 0)
    if case .array(let elements)? = parsed {
        for element in elements.prefix(64) {
            _ = try? withDefaults.decode(element, now: 0, defaultType: "label")
        }
    }
    return 0
}
