import DriftProtocol
import Foundation
import Testing

@testable import DriftEngine

@Suite("LabelJoin")
struct LabelJoinTests {
    @Test("Joins by request id, counts unmatched, expired and evicted")
    func counters() {
        var join = LabelJoin(windowLabels: 10)
        let ok = stableHash("ok")
        let fraud = stableHash("fraud")
        join.expect(key: stableHash("a"), timestamp: 10, number: .nan, classHash: ok, maxPending: 3)
        join.expect(key: stableHash("b"), timestamp: 20, number: .nan, classHash: fraud, maxPending: 3)
        join.expect(key: stableHash("c"), timestamp: 30, number: .nan, classHash: ok, maxPending: 3)
        join.expect(key: stableHash("d"), timestamp: 40, number: .nan, classHash: ok, maxPending: 3)
        #expect(join.evicted == 1)
        let joinedA = join.join(key: stableHash("a"), truth: .classLabel("ok"), positiveHash: fraud)
        #expect(joinedA == false)
        #expect(join.unmatched == 1)
        let joinedB = join.join(key: stableHash("b"), truth: .classLabel("fraud"), positiveHash: fraud)
        #expect(joinedB)
        join.expire(now: 100, ttl: 65)
        #expect(join.expired == 1)
        #expect(join.pendingCount == 1)
        let joinedD = join.join(key: stableHash("d"), truth: .classLabel("fraud"), positiveHash: fraud)
        #expect(joinedD)
        #expect(join.joined == 2)
        #expect(join.metric(.accuracy) == 0.5)
        #expect(join.metric(.precision) == 1)
        #expect(join.metric(.recall) == 0.5)
        #expect(join.metric(.f1).map { abs($0 - 2.0 / 3.0) < 1e-12 } == true)
    }

    @Test("Regression labels give MAE and RMSE")
    func regression() {
        var join = LabelJoin(windowLabels: 3)
        for (i, (prediction, truth)) in [(1.0, 2.0), (5.0, 3.0), (0.0, 0.0), (4.0, 1.0)].enumerated() {
            join.expect(key: UInt64(i), timestamp: Int64(i), number: prediction, classHash: 0, maxPending: 10)
            _ = join.join(key: UInt64(i), truth: .number(truth), positiveHash: nil)
        }
        // Window of 3 keeps errors 2, 0, 3.
        #expect(join.metric(.mae).map { abs($0 - 5.0 / 3.0) < 1e-12 } == true)
        #expect(join.metric(.rmse).map { abs($0 - (13.0 / 3.0).squareRoot()) < 1e-12 } == true)
    }

    @Test("The pending table agrees with a dictionary through inserts, replacements and removals")
    func pendingTableMatchesDictionary() throws {
        var table = PendingPredictions()
        var model: [UInt64: LabelJoin.Pending] = [:]
        var state: UInt64 = 3
        // Few distinct keys (including 0, and keys sharing a home slot) so clusters form, wrap and shrink.
        for step in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let key = (state >> 40) % 700
            let value = LabelJoin.Pending(timestamp: Int64(step), number: Double(step), classHash: key)
            switch (state >> 20) % 3 {
            case 0, 1:
                table.insert(value, forKey: key)
                model[key] = value
            default:
                let removed = table.removeValue(forKey: key)
                #expect(removed == model.removeValue(forKey: key))
            }
            #expect(table.count == model.count)
        }
        #expect(table.dictionary == model)
        for key in UInt64(0)..<700 { #expect(table[key] == model[key]) }
        // Removal only when the entry is the one registered at that time.
        if let (key, value) = model.first {
            let removedLater = table.remove(key: key, registeredAt: value.timestamp + 1)
            #expect(removedLater == false)
            let removed = table.remove(key: key, registeredAt: value.timestamp)
            #expect(removed)
            #expect(table[key] == nil)
        }
        // A checkpoint round trip keeps every entry.
        let data = try JSONEncoder().encode(table)
        #expect(try JSONDecoder().decode(PendingPredictions.self, from: data).dictionary == table.dictionary)
    }
}
