import DriftAgent
import DriftProtocol
import Testing

@Suite("Agent events")
struct AgentEventTests {
    @Test("Missing numeric features compare equal by bit pattern")
    func missingFeaturesCompareEqual() {
        let event = AgentEvent(model: "m", timestamp: 1, numericFeatures: ["x": .nan, "y": 1])
        #expect(event == event)
        var other = event
        other.numericFeatures["y"] = 2
        #expect(event != other)
    }
}
