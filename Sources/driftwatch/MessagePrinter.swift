import DriftProtocol
import Foundation

/// Renders decoded wire messages as readable text or as JSON lines.
struct MessagePrinter {
    let json: Bool

    func print(_ message: WireMessage) {
        switch message {
        case .events(let batch): printEvents(batch)
        case .labels(let batch): printLabels(batch)
        case .acknowledgement(let ack):
            Swift.print("ack agent=\(ack.agentID) highest-contiguous-sequence=\(ack.highestContiguousSequence)")
        }
    }

    private func printEvents(_ batch: EventBatch) {
        let header = batch.header
        let names = batch.schema.numericNames + batch.schema.categoricalNames
        if !json {
            let features =
                batch.schema.numericNames.map { "\($0):numeric" }
                + batch.schema.categoricalNames.map { "\($0):categorical" }
            Swift.print(
                "events agent=\(header.agentID) seq=\(header.sequence) model=\(header.model)@\(header.modelVersion)"
                    + " count=\(batch.count) features=[\(features.joined(separator: ", "))]"
                    + " metrics=[\(batch.customMetricNames.joined(separator: ", "))]"
            )
        }
        for view in batch.events {
            var fields: [(String, Any)] = [
                ("timestamp", Self.timestamp(view.timestamp)),
                ("request_id", view.requestID ?? NSNull()),
                ("latency_us", view.latencyMicroseconds ?? NSNull()),
                ("outcome", view.outcome.isError ? "error \(view.outcome.wireCode)" : "ok"),
                ("prediction", Self.prediction(view.prediction)),
            ]
            for position in 0..<batch.schema.numericCount {
                let value = view.numericFeature(at: position)
                fields.append((names[position], value.isNaN ? NSNull() : value))
            }
            for position in 0..<batch.schema.categoricalCount {
                fields.append(
                    (names[batch.schema.numericCount + position], view.categoricalFeature(at: position) ?? NSNull())
                )
            }
            for (position, name) in batch.customMetricNames.enumerated() {
                fields.append((name, view.customMetric(at: position) ?? NSNull()))
            }
            if json {
                let object = Dictionary(
                    uniqueKeysWithValues: [("model", header.model as Any), ("model_version", header.modelVersion)]
                        + fields
                )
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
                Swift.print(String(decoding: data, as: UTF8.self))
            } else {
                Swift.print("  " + fields.map { "\($0.0)=\(Self.text($0.1))" }.joined(separator: " "))
            }
        }
    }

    private func printLabels(_ batch: LabelBatch) {
        let header = batch.header
        if !json {
            Swift.print(
                "labels agent=\(header.agentID) seq=\(header.sequence) model=\(header.model)@\(header.modelVersion)"
                    + " count=\(batch.labels.count)"
            )
        }
        for label in batch.labels {
            let truth: Any
            switch label.groundTruth {
            case .number(let value): truth = value
            case .classLabel(let name): truth = name
            }
            if json {
                let object: [String: Any] = [
                    "model": header.model, "model_version": header.modelVersion,
                    "timestamp": Self.timestamp(label.timestamp), "request_id": label.requestID, "ground_truth": truth,
                ]
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
                Swift.print(String(decoding: data, as: UTF8.self))
            } else {
                Swift.print(
                    "  timestamp=\(Self.timestamp(label.timestamp)) request_id=\(label.requestID) truth=\(truth)"
                )
            }
        }
    }

    private static func prediction(_ prediction: Prediction) -> Any {
        switch prediction {
        case .absent: NSNull()
        case .number(let value): value
        case .classLabel(let label): label
        case .probabilities(let classes):
            Dictionary(classes.map { ($0.label, $0.probability) }, uniquingKeysWith: { first, _ in first })
        }
    }

    private static func text(_ value: Any) -> String {
        switch value {
        case is NSNull: "-"
        case let number as Double: "\(number)"
        case let classes as [String: Double]:
            "{" + classes.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",") + "}"
        default: "\(value)"
        }
    }

    /// RFC 3339 UTC with nanoseconds, so no precision of the wire timestamp is lost.
    static func timestamp(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        let whole = seconds.remainder < 0 ? seconds.quotient - 1 : seconds.quotient
        let fraction = seconds.remainder < 0 ? seconds.remainder + 1_000_000_000 : seconds.remainder
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        let date = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d",
            parts.tm_year + 1900,
            parts.tm_mon + 1,
            parts.tm_mday,
            parts.tm_hour,
            parts.tm_min,
            parts.tm_sec
        )
        return date + String(format: ".%09lldZ", fraction)
    }
}
