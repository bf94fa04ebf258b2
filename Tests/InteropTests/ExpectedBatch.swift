import DriftProtocol
import Foundation
import Testing

/// The content of `Python/expected_batch.json`, compared field by field with a decoded ``EventBatch``.
struct ExpectedBatch {
    let json: [String: Any]

    static func load(_ url: URL) throws -> ExpectedBatch {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return ExpectedBatch(json: try #require(object as? [String: Any]))
    }

    func check(_ batch: EventBatch) throws {
        #expect(batch.header.agentID == json["agent_id"] as? String)
        #expect(batch.header.sequence == (json["sequence"] as? NSNumber)?.uint64Value)
        #expect(batch.header.model == json["model"] as? String)
        #expect(batch.header.modelVersion == json["model_version"] as? String)
        #expect(batch.customMetricNames == json["custom_metric_names"] as? [String])
        #expect(batch.dictionary == json["dictionary"] as? [String])

        let features = try #require(json["features"] as? [[String: String]])
        let numericNames = features.filter { $0["kind"] == "numeric" }.compactMap { $0["name"] }
        let categoricalNames = features.filter { $0["kind"] == "categorical" }.compactMap { $0["name"] }
        #expect(batch.schema.numericNames == numericNames)
        #expect(batch.schema.categoricalNames == categoricalNames)

        let events = try #require(json["events"] as? [[String: Any]])
        #expect(batch.count == events.count)
        for (index, expected) in events.enumerated() where index < batch.count {
            let view = batch.events[index]
            #expect(view.timestamp == (expected["timestamp_ns"] as? NSNumber)?.int64Value, "event \(index)")
            #expect(view.requestID == expected["request_id"] as? String, "event \(index)")
            #expect(view.latencyMicroseconds == (expected["latency_us"] as? NSNumber)?.doubleValue, "event \(index)")
            #expect(Int(view.outcome.wireCode) == (expected["outcome"] as? NSNumber)?.intValue, "event \(index)")
            #expect(view.prediction == prediction(try #require(expected["prediction"] as? [String: Any])))

            let numeric = try #require(expected["numeric"] as? [Any])
            for (position, value) in numeric.enumerated() {
                let actual = view.numericFeature(at: position)
                if let number = value as? NSNumber {
                    #expect(actual == number.doubleValue, "event \(index) numeric \(position)")
                } else {
                    #expect(actual.isNaN, "event \(index) numeric \(position) should be missing")
                }
            }
            let categorical = try #require(expected["categorical"] as? [Any])
            for (position, value) in categorical.enumerated() {
                #expect(view.categoricalFeature(at: position) == value as? String, "event \(index) cat \(position)")
            }
            let metrics = expected["custom_metrics"] as? [String: NSNumber] ?? [:]
            for (position, name) in batch.customMetricNames.enumerated() {
                #expect(view.customMetric(at: position) == metrics[name]?.doubleValue, "event \(index) \(name)")
            }
        }
    }

    private func prediction(_ object: [String: Any]) -> Prediction {
        switch object["kind"] as? String {
        case "number": return .number((object["value"] as? NSNumber)?.doubleValue ?? .nan)
        case "class": return .classLabel(object["label"] as? String ?? "")
        case "probabilities":
            let entries = object["probabilities"] as? [[String: Any]] ?? []
            return .probabilities(
                entries.map {
                    ClassProbability(
                        label: $0["label"] as? String ?? "",
                        probability: ($0["probability"] as? NSNumber)?.doubleValue ?? .nan
                    )
                }
            )
        default: return .absent
        }
    }
}
