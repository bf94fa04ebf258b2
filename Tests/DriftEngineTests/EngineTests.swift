import DriftProtocol
import Foundation
import Testing

@testable import DriftEngine

@Suite("Engine")
struct EngineTests {
    static let second = SyntheticTraffic.second

    @Test("A stationary stream of 1M events raises no alert")
    func stationary() {
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: testConfiguration()))
        var traffic = SyntheticTraffic(seed: 1)
        let notifications = run(&engine, &traffic, batches: 1000)
        #expect(notifications.map { "\($0.change) \($0.alert.kind) \($0.alert.feature ?? "-")" } == [])
        let snapshot = engine.snapshot()
        #expect(snapshot.models.count == 1)
        #expect(snapshot.models.first?.eventsSeen == 1_000_000)
        #expect(snapshot.models.first?.evaluations == 1000)
        #expect(snapshot.models.first?.features.count == 10)
        #expect(snapshot.models.first?.referenceReady == true)
        #expect(snapshot.models.first?.alerts.allSatisfy { $0.state != .firing } == true)
    }

    @Test("A mean shift on one feature: pending, firing after `for`, resolved after recovery and keep_firing_for")
    func meanShift() throws {
        var configuration = testConfiguration(for: 5, keep: 5)
        configuration.lifecycle.notifyPending = true
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: configuration))
        var traffic = SyntheticTraffic(seed: 2)
        // 1 000 events per batch = 1 s of event time; evaluation every 1 000 events.
        var timeline: [(Int, AlertNotification)] = []
        for index in 0..<60 {
            traffic.shift = (20..<35).contains(index) ? 1.0 : 0
            for n in engine.ingest(traffic.batch(1000)) { timeline.append((index, n)) }
        }
        let drift = timeline.filter { $0.1.alert.kind == .dataDrift }
        #expect(drift.map(\.1.alert.feature) == ["f3", "f3", "f3"])
        #expect(drift.map(\.1.change) == [.pending, .firing, .resolved])
        // Pending at the first evaluation of a fully shifted window, firing 5 s later, resolved 5 s after recovery.
        #expect(drift.map(\.0) == [20, 25, 40])
        let firing = try #require(drift.dropFirst().first?.1.alert)
        #expect(firing.evidence.statistic == "ks")
        #expect(firing.evidence.pValue.map { $0 < 1e-10 } == true)
        #expect(firing.evidence.topFeatures.first?.feature == "f3")
        #expect(firing.evidence.topFeatures.first.map { $0.value > 0.8 && $0.value < 1.2 } == true)
        #expect(firing.evidence.current.size == 1000)
        #expect(firing.evidence.reference.size == 1000)
        #expect(firing.severity == .critical)
        #expect(firing.id == alertFingerprint(model: "fraud", version: "1", kind: "data_drift", feature: "f3"))
        #expect(timeline.allSatisfy { $0.1.alert.kind == .dataDrift })
    }

    @Test("An error spike raises an error_rate alert")
    func errorSpike() {
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: testConfiguration(for: 0, keep: 5)))
        var traffic = SyntheticTraffic(seed: 3)
        let notifications = run(&engine, &traffic, batches: 30) { index, t in t.errorRate = index >= 20 ? 0.3 : 0.01 }
        let errors = notifications.filter { $0.alert.kind == .errorRate }
        #expect(errors.first?.change == .firing)
        #expect(errors.first?.alert.severity == .critical)
        #expect(errors.first.map { $0.alert.evidence.value > 0.2 } == true)
        #expect(notifications.allSatisfy { $0.alert.kind == .errorRate })
    }

    @Test("A latency spike raises a latency alert")
    func latencySpike() {
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: testConfiguration(for: 0, keep: 5)))
        var traffic = SyntheticTraffic(seed: 4)
        let notifications = run(&engine, &traffic, batches: 30) { index, t in t.latencyScale = index >= 20 ? 2.5 : 1 }
        let latency = notifications.filter { $0.alert.kind == .latency }
        #expect(latency.first?.change == .firing)
        #expect(latency.first?.alert.severity == .warning)
        #expect(latency.first.map { $0.alert.evidence.value > 2.2 && $0.alert.evidence.value < 2.8 } == true)
        #expect(notifications.allSatisfy { $0.alert.kind == .latency })
        let p99 = engine.snapshot().models.first?.latencyP99 ?? 0
        #expect(p99 > 2.5 * 2000 * 1.6 && p99 < 2.5 * 2000 * 2.4)
    }

    @Test("A traffic drop seen through advance(to:) raises a traffic alert")
    func trafficDrop() {
        var configuration = testConfiguration(for: 0, keep: 5)
        configuration.traffic.stallNanoseconds = 30 * Self.second
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: configuration))
        var traffic = SyntheticTraffic(seed: 5)
        var notifications = run(&engine, &traffic, batches: 90)
        #expect(notifications.isEmpty)
        // Then 10 events per second for 70 s (rate ratio 0.01 → critical drop), then silence (stall).
        traffic.spacing = 100 * SyntheticTraffic.millisecond
        for _ in 0..<70 {
            notifications += engine.ingest(traffic.batch(10))
            notifications += engine.advance(to: traffic.time)
        }
        let drop = notifications.filter { $0.alert.kind == .traffic }
        // The 60 s rate window empties gradually: warning first (ratio ≤ 0.5), then critical (≤ 0.1).
        #expect(drop.map(\.change) == [.firing, .severityChanged])
        #expect(drop.map(\.alert.severity) == [.warning, .critical])
        #expect(drop.first?.alert.evidence.statistic == "rate_ratio")
        let stall = engine.advance(to: traffic.time + 40 * Self.second)
        #expect(stall.isEmpty)
        #expect(engine.snapshot().models.first?.alerts.first?.evidence.statistic == "seconds_since_last_event")
    }

    @Test("Joined labels: an accuracy drop raises accuracy_drop")
    func accuracyDrop() throws {
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: testConfiguration(for: 0, keep: 5)))
        var traffic = SyntheticTraffic(seed: 6)
        var notifications: [AlertNotification] = []
        for index in 0..<40 {
            traffic.accuracy = index >= 20 ? 0.6 : 0.9
            notifications += engine.ingest(traffic.batch(1000, withRequestIDs: true))
            notifications += engine.ingest(traffic.labels())
        }
        let drops = notifications.filter { $0.alert.kind == .accuracyDrop }
        #expect(drops.first?.change == .firing)
        #expect(drops.first?.alert.severity == .critical)
        let model = try #require(engine.snapshot().models.first)
        #expect(model.labelsJoined == 40_000)
        #expect(model.labelsUnmatched == 0)
        #expect(model.referenceAccuracy.map { abs($0 - 0.9) < 0.05 } == true)
        #expect(model.accuracy.map { abs($0 - 0.6) < 0.06 } == true)
    }

    @Test("A new model version gets its own state")
    func newVersion() {
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: testConfiguration()))
        var traffic = SyntheticTraffic(seed: 7)
        _ = run(&engine, &traffic, batches: 5)
        traffic.version = "2"
        traffic.shift = 3
        // Version 2 takes its own first 1 000 events as reference: the shift is its normal.
        let notifications = run(&engine, &traffic, batches: 5)
        #expect(notifications.isEmpty)
        let models = engine.snapshot().models
        #expect(models.map(\.version) == ["1", "2"])
        #expect(models.map(\.eventsSeen) == [5000, 5000])
    }

    @Test("Reconfigure keeps windows and references and applies new thresholds")
    func reconfigureKeepsWindows() {
        var configuration = testConfiguration(for: 0, keep: 5)
        configuration.errorRate.warningRate = 0.5
        configuration.errorRate.criticalRate = 0.9
        configuration.errorRate.pValue = 1e-300
        configuration.errorRate.detector = .none
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: configuration))
        var traffic = SyntheticTraffic(seed: 8)
        let before = run(&engine, &traffic, batches: 20) { index, t in t.errorRate = index >= 10 ? 0.1 : 0.01 }
        #expect(before.isEmpty)
        configuration.errorRate.warningRate = 0.05
        configuration.errorRate.criticalRate = 0.2
        engine.reconfigure(ConfigurationResolver(defaults: configuration))
        #expect(engine.snapshot().models.first?.eventsSeen == 20_000)
        // The very next evaluation (after 1 000 more events) uses the kept window and the new threshold.
        let after = engine.ingest(traffic.batch(1000))
        #expect(after.map(\.alert.kind) == [.errorRate])
        #expect(after.first?.alert.severity == .warning)
    }

    @Test("Checkpoint then restore gives identical subsequent output")
    func checkpointRestore() throws {
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: testConfiguration()))
        var traffic = SyntheticTraffic(seed: 9)
        _ = run(&engine, &traffic, batches: 25) { index, t in t.shift = index >= 20 ? 1 : 0 }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        let data = try encoder.encode(engine.checkpoint())
        var restored = MonitorEngine(restoring: try decoder.decode(EngineCheckpoint.self, from: data))
        var copy = traffic
        let original = run(&engine, &traffic, batches: 20) { index, t in t.shift = index >= 10 ? 0 : 1 }
        let resumed = run(&restored, &copy, batches: 20) { index, t in t.shift = index >= 10 ? 0 : 1 }
        #expect(!original.isEmpty)
        #expect(original == resumed)
        #expect(engine.snapshot() == restored.snapshot())
    }

    @Test("The same input twice gives identical notifications, whatever the batch sizes")
    func determinism() {
        func once(batchSize: Int) -> [AlertNotification] {
            var configuration = testConfiguration()
            configuration.lifecycle.notifyPending = true
            var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: configuration))
            var traffic = SyntheticTraffic(seed: 10)
            var all = run(&engine, &traffic, batches: 40_000 / batchSize, size: batchSize) { index, t in
                let second = index * batchSize / 1000
                t.shift = (10..<20).contains(second) ? 1 : 0
                t.errorRate = (25..<30).contains(second) ? 0.3 : 0.01
            }
            all += engine.advance(to: traffic.time + 100 * Self.second)
            return all
        }
        let first = once(batchSize: 1000)
        #expect(first.count >= 4)
        #expect(Set(first.map(\.alert.kind)) == [.dataDrift, .errorRate, .traffic])
        #expect(first == once(batchSize: 1000))
        #expect(first == once(batchSize: 250))
    }

    @Test("Models beyond the cap are dropped and counted")
    func modelCap() {
        var limits = EngineLimits()
        limits.maxModels = 1
        var engine = MonitorEngine(resolver: ConfigurationResolver(defaults: testConfiguration(), limits: limits))
        var traffic = SyntheticTraffic(seed: 11)
        _ = engine.ingest(traffic.batch(100))
        traffic.model = "other"
        _ = engine.ingest(traffic.batch(100))
        #expect(engine.snapshot().models.count == 1)
        #expect(engine.snapshot().droppedModelEvents == 100)
    }
}
