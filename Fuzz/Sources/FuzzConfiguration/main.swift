// libFuzzer target: the engine configuration as the collector reads it (docs/engine.md), on arbitrary bytes.
//
// The collector's loader (`DriftCollector.ConfigurationFile.parse`) composes the YAML with Yams, decodes a
// `ConfigurationResolver` from the node with `YAMLDecoder` and validates it; that module also pulls Hummingbird,
// NIO and GRDB, so this target calls the same public DriftEngine and Yams entry points in the same order (the
// loader's error-location code and baseline-file loading are not covered). A configuration that validates is then
// used: models are resolved by name and a `MonitorEngine` ingests and evaluates a small fixed stream, so a value
// the validation lets through cannot crash the engine. Decoding must be total: a value or an error, never a trap.
import DriftEngine
import DriftProtocol
import Yams

/// A fixed batch of events for a model: two numeric features, one categorical, class predictions.
func batch(model: String, sequence: UInt64, start: Int64) -> EventBatch? {
    do throws(ProtocolError) {
        let header = BatchHeader(agentID: "fuzz", sequence: sequence, model: model, modelVersion: "v1")
        let schema = try FeatureSchema(numeric: ["amount", "age"], categorical: ["country"])
        var builder = try EventBatchBuilder(header: header, schema: schema)
        for index in 0..<64 {
            let shift = sequence > 2 ? 50.0 : 0.0
            try builder.append(
                Event(
                    timestamp: start + Int64(index) * 50_000_000,
                    requestID: "r-\(sequence)-\(index)",
                    latencyMicroseconds: Double(1000 + index * 17 % 300),
                    outcome: index % 13 == 0 ? .error(code: 500) : .ok,
                    prediction: .classLabel(index % 3 == 0 ? "fraud" : "ok"),
                    numericFeatures: [Double(index % 10) + shift, index % 7 == 0 ? .nan : Double(index % 5)],
                    categoricalFeatures: [["de", "fr", "us"][index % 3]]
                )
            )
        }
        return builder.build()
    } catch {
        return nil
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // The collector reads the file as UTF-8 and refuses it otherwise.
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else {
        return 0
    }
    guard let root = try? Yams.compose(yaml: text), case .mapping = root else { return 0 }
    guard let resolver = try? YAMLDecoder().decode(ConfigurationResolver.self, from: root) else { return 0 }
    let problems = resolver.validate()
    for problem in problems { _ = problem.description }
    guard problems.isEmpty else { return 0 }

    var names = ["fraud", "fraud-eu", "m"]
    names += resolver.models.keys.sorted().prefix(4)
    for name in names { _ = resolver.configuration(forModel: name) }

    var engine = MonitorEngine(resolver: resolver)
    var time: Int64 = 1_732_300_000_000_000_000
    for sequence in 1...6 {
        for name in names.prefix(4) {
            guard let events = batch(model: name, sequence: UInt64(sequence), start: time) else { continue }
            _ = engine.ingest(events)
        }
        time += 4_000_000_000
        _ = engine.advance(to: time)
    }
    _ = engine.snapshot()
    return 0
}
