import DriftAgent
import DriftProtocol
import Testing

@Suite("JSON-lines ingest format")
struct JSONLineDecoderTests {
    let decoder = JSONLineDecoder(defaultModel: "fraud", defaultVersion: "7")

    private func decode(_ text: String, now: Int64 = 42) throws(AgentError) -> JSONLineDecoder.Item {
        try decoder.decode(Array(text.utf8), now: now)
    }

    @Test("An event line: features by kind, prediction, latency, outcome, metrics, exact nanosecond time")
    func event() throws {
        let item = try decode(
            #"{"model":"churn","request_id":"r-1","timestamp_ns":1732300000123456789,"latency_ms":12.5,"#
                + #""outcome":503,"prediction":{"yes":0.25,"no":0.75},"#
                + #""features":{"amount":120.5,"country":"DE","vip":true,"age":null},"metrics":{"tokens":87}}"#
        )
        let expected = AgentEvent(
            model: "churn",
            modelVersion: "7",
            timestamp: 1_732_300_000_123_456_789,
            requestID: "r-1",
            latencyMicroseconds: 12_500,
            outcome: .error(code: 503),
            prediction: .probabilities([
                ClassProbability(label: "no", probability: 0.75), ClassProbability(label: "yes", probability: 0.25),
            ]),
            numericFeatures: ["amount": 120.5, "age": .nan],
            categoricalFeatures: ["country": "DE", "vip": "true"],
            customMetrics: ["tokens": 87]
        )
        #expect(item == .event(expected))
    }

    @Test("Defaults: the agent's model and version, arrival time, outcome ok, no prediction")
    func defaults() throws {
        #expect(try decode(#"{}"#, now: 99) == .event(AgentEvent(model: "fraud", modelVersion: "7", timestamp: 99)))
        #expect(
            try decode(#"{"timestamp":1.5,"outcome":"error","prediction":"spam"}"#)
                == .event(
                    AgentEvent(
                        model: "fraud",
                        modelVersion: "7",
                        timestamp: 1_500_000_000,
                        outcome: .error(code: 1),
                        prediction: .classLabel("spam")
                    )
                )
        )
    }

    @Test("The exact nanosecond time is the top-level timestamp_ns, not a nested member of the same name")
    func nestedTimestampIgnored() throws {
        let item = try decode(#"{"features":{"timestamp_ns":5},"timestamp_ns":1732300000123456789}"#)
        guard case .event(let event) = item else {
            Issue.record("expected an event")
            return
        }
        #expect(event.timestamp == 1_732_300_000_123_456_789)
        #expect(event.numericFeatures["timestamp_ns"] == 5)
    }

    @Test("A label line")
    func label() throws {
        #expect(
            try decode(#"{"type":"label","request_id":"r-1","label":1}"#)
                == .label(
                    AgentLabel(
                        model: "fraud",
                        modelVersion: "7",
                        timestamp: 42,
                        requestID: "r-1",
                        groundTruth: .number(1)
                    )
                )
        )
    }

    @Test(
        "Bad lines are refused with a message naming the field",
        arguments: [
            (#"{"features": {"x": [1]}}"#, #"feature "x" must be a number, string, boolean or null"#),
            (#"{"latency_ms": -1}"#, #""latency_ms" must be a non-negative number"#),
            (#"{"outcome": 70000}"#, #""outcome" code must be an integer 0…65535"#),
            (#"{"type": "label", "label": 1}"#, #"a label needs "request_id""#),
            (#"{"type": "metric"}"#, #""type" must be "event" or "label", not "metric""#),
            (#"{"prediction": {"a": 2}}"#, #"probability of class "a" must be in [0, 1]"#),
            (#"[1]"#, "a line must be a JSON object"),
            (#"{"model": 3}"#, #""model" must be a string"#),
            (#"{"x": "#, "invalid JSON at byte 6: unexpected end of input"),
        ]
    )
    func refused(line: String, message: String) {
        #expect(throws: AgentError(.invalidJSON, message)) { try decode(line) }
    }
}
