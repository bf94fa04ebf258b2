import DriftProtocol
import Foundation
import Testing

@testable import DriftAgent

@Suite("Agent spool")
struct SpoolTests {
    private func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "driftwatch-spool-\(UUID().uuidString)"
        return path
    }

    private func batch(_ agentID: String, events: Int, value: Double = 1) throws -> SealedBatch {
        var assembler = BatchAssembler(
            agentID: agentID,
            limits: .init(maxItems: events, maxBytes: 1 << 20, maxAge: .seconds(60))
        )
        let now = ContinuousClock.now
        for index in 0..<events {
            assembler.add(
                AgentEvent(model: "m", timestamp: Int64(index), numericFeatures: ["x": value]),
                now: now
            )
        }
        let sealed = assembler.takeSealed()
        try #require(sealed.count == 1)
        return sealed[0]
    }

    @Test("Stamped batches decode with their sequence, and survive a reopen in order")
    func storeAndRecover() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var spool = try Spool(directory: directory, maxBytes: 1 << 20, newAgentID: "agent-a")
        for _ in 0..<5 {
            let sequence = spool.nextSequence
            #expect(try spool.store(batch("agent-a", events: 3).stamped(sequence: sequence), sequence: sequence) != nil)
        }
        spool.acknowledge(upTo: 2)
        spool.close()

        var reopened = try Spool(directory: directory, maxBytes: 1 << 20, newAgentID: "other")
        defer { reopened.close() }
        #expect(reopened.agentID == "agent-a")
        #expect(reopened.acknowledged == 2)
        #expect(reopened.records.map(\.sequence) == [3, 4, 5])
        #expect(reopened.nextSequence == 6)
        #expect(reopened.pendingEvents == 9)
        let record = try #require(reopened.record(4))
        let message = try WireMessage(decoding: reopened.payload(of: record))
        guard case .events(let decoded) = message else {
            Issue.record("expected an event batch, got \(message)")
            return
        }
        #expect(decoded.header.sequence == 4)
        #expect(decoded.header.agentID == "agent-a")
        #expect(decoded.count == 3)
    }

    @Test("A torn record at the end is cut off and its sequence reused")
    func tornTailIsCut() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var spool = try Spool(directory: directory, maxBytes: 1 << 20, newAgentID: "a")
        for _ in 0..<3 {
            let sequence = spool.nextSequence
            _ = try spool.store(batch("a", events: 2).stamped(sequence: sequence), sequence: sequence)
        }
        spool.close()
        let segment = directory + "/" + Spool.segmentName(1)
        let handle = try #require(FileHandle(forUpdatingAtPath: segment))
        let size = try handle.seekToEnd()
        try handle.truncate(atOffset: size - 5)
        try handle.close()

        var reopened = try Spool(directory: directory, maxBytes: 1 << 20, newAgentID: "a")
        defer { reopened.close() }
        #expect(reopened.records.map(\.sequence) == [1, 2])
        #expect(reopened.recoveredTornRecords == 1)
        #expect(reopened.nextSequence == 3)
    }

    @Test("A full spool refuses new batches without using a sequence; acknowledgements free segments")
    func boundedSpool() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var spool = try Spool(directory: directory, maxBytes: 64 * 1024, newAgentID: "a")
        defer { spool.close() }
        var stored = 0
        while true {
            let sequence = spool.nextSequence
            guard try spool.store(batch("a", events: 50).stamped(sequence: sequence), sequence: sequence) != nil
            else { break }
            stored += 1
        }
        #expect(stored > 10)
        #expect(spool.storedBytes <= 64 * 1024)
        #expect(spool.nextSequence == UInt64(stored) + 1)
        spool.acknowledge(upTo: UInt64(stored))
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.hasPrefix("segment-")
        }
        #expect(segments.count == 1)
        let sequence = spool.nextSequence
        #expect(try spool.store(batch("a", events: 50).stamped(sequence: sequence), sequence: sequence) != nil)
    }

    @Test("An event with a new feature seals the open batch and widens the schema")
    func schemaWidens() throws {
        var assembler = BatchAssembler(
            agentID: "a",
            limits: .init(maxItems: 100, maxBytes: 1 << 20, maxAge: .seconds(60))
        )
        let now = ContinuousClock.now
        assembler.add(AgentEvent(model: "m", timestamp: 1, numericFeatures: ["x": 1]), now: now)
        assembler.add(AgentEvent(model: "m", timestamp: 2, numericFeatures: ["x": 2]), now: now)
        assembler.add(
            AgentEvent(model: "m", timestamp: 3, numericFeatures: ["y": 3], categoricalFeatures: ["c": "k"]),
            now: now
        )
        assembler.add(AgentEvent(model: "m", timestamp: 4, numericFeatures: ["x": 4]), now: now)
        assembler.add(AgentEvent(model: "other", timestamp: 5, numericFeatures: [.init("x"): .infinity]), now: now)
        assembler.sealExpired(now: now, everything: true)
        let sealed = assembler.takeSealed()
        #expect(sealed.count == 2)
        let batches = try sealed.map { batch -> EventBatch in
            guard case .events(let decoded) = try WireMessage(decoding: batch.stamped(sequence: 9).bytes) else {
                throw AgentError(.invalidJSON, "not an event batch")
            }
            return decoded
        }
        #expect(batches[0].schema.numericNames == ["x"])
        #expect(batches[0].numericValues == [1, 2])
        #expect(batches[1].schema.numericNames == ["x", "y"])
        #expect(batches[1].schema.categoricalNames == ["c"])
        #expect(batches[1].count == 2)
        #expect(batches[1].numericValues[0].isNaN && batches[1].numericValues[1] == 3)
        #expect(batches[1].numericValues[2] == 4 && batches[1].numericValues[3].isNaN)
        #expect(batches.allSatisfy { $0.header.sequence == 9 })
        #expect(assembler.invalid == ["non_finite_value": 1])
    }
}
