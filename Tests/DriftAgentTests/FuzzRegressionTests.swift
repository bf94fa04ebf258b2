import DriftAgent
import Testing

/// Inputs the fuzz targets (Fuzz/, docs/reliability.md) found or were pointed at, kept as regression tests: each
/// once trapped or misbehaved, and must now decode or be refused with an error.
@Suite("Fuzz regressions: JSON ingest")
struct JSONIngestFuzzRegressionTests {
    let decoder = JSONLineDecoder(defaultModel: "fraud", defaultVersion: "7")

    private func decode(_ text: String) throws(AgentError) -> JSONLineDecoder.Item {
        try decoder.decode(Array(text.utf8), now: 42)
    }

    /// A `timestamp_ns` that is integral and below the 9.3e18 guard but beyond `Int64.max` once read as a double
    /// (2^63 and above) trapped converting the double to `Int64`. FuzzJSONIngest, minimised.
    @Test(
        "An integral timestamp_ns beyond Int64 is refused, not trapped on",
        arguments: [
            #"{"timestamp_ns":9223372036854775808}"#,
            #"{"timestamp_ns":9223372036854775807.0}"#,
            #"{"timestamp_ns":9.25e18}"#,
            #"{"timestamp_ns":92233720368547758070e-1}"#,
        ]
    )
    func timestampBeyondInt64(line: String) {
        #expect(throws: AgentError(.invalidJSON, "\"timestamp_ns\" is out of range")) { try decode(line) }
    }

    @Test("The extreme timestamps Int64 can hold still decode exactly from their text")
    func timestampAtInt64Bounds() throws {
        let largest = try decode(#"{"timestamp_ns":9223372036854775807}"#)
        #expect(largest == .event(AgentEvent(model: "fraud", modelVersion: "7", timestamp: .max)))
        let smallest = try decode(#"{"timestamp_ns":-9223372036854775808}"#)
        #expect(smallest == .event(AgentEvent(model: "fraud", modelVersion: "7", timestamp: .min)))
        let rounded = try decode(#"{"timestamp_ns":9.2e18}"#)
        #expect(rounded == .event(AgentEvent(model: "fraud", modelVersion: "7", timestamp: 9_200_000_000_000_000_000)))
    }
}
