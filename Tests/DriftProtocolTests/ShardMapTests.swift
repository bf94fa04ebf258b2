import DriftProtocol
import Testing

@Suite("Shard map (rendezvous hashing)")
struct ShardMapTests {
    private func map(_ names: [String]) throws -> ShardMap {
        try ShardMap(shards: names.map { ShardMap.Shard(name: $0, ingest: "tcp://\($0):7400") })
    }

    private let models = (0..<3000).map { "model-\($0)" }

    @Test("Models spread evenly over the shards")
    func balance() throws {
        let shards = try map(["a", "b", "c"])
        let counts = Dictionary(grouping: models) { shards.owner(of: $0).name }.mapValues(\.count)
        #expect(counts.count == 3)
        // 1000 expected per shard; the binomial standard deviation is 26.
        for (_, count) in counts { #expect((880...1120).contains(count)) }
    }

    @Test("Adding a fourth shard moves about a quarter of the models, all to the new shard")
    func minimalMovement() throws {
        let three = try map(["a", "b", "c"])
        let four = try map(["a", "b", "c", "d"])
        var moved = 0
        for model in models where three.owner(of: model) != four.owner(of: model) {
            moved += 1
            #expect(four.owner(of: model).name == "d")
        }
        // 750 expected; the binomial standard deviation is 24.
        #expect((650...850).contains(moved))
    }

    @Test("The owner depends on names only, not on the order or the endpoints")
    func orderIndependent() throws {
        let one = try map(["a", "b", "c"])
        let other = try ShardMap(shards: ["c", "a", "b"].map { ShardMap.Shard(name: $0, ingest: "ipc:///\($0)") })
        for model in models.prefix(500) { #expect(one.owner(of: model).name == other.owner(of: model).name) }
    }

    @Test("Weights are fixed forever (a change would move models between shards)")
    func fixedWeights() {
        // Golden values, computed independently in Python from the definition in ShardMap.weight.
        #expect(ShardMap.weight(shard: "a", model: "m") == 13_602_326_231_927_535_863)
        #expect(ShardMap.weight(shard: "shard-1", model: "fraud-detector") == 11_500_929_204_996_395_978)
        #expect(ShardMap.weight(shard: "a", model: "m") != ShardMap.weight(shard: "b", model: "m"))
        #expect(ShardMap.weight(shard: "ab", model: "c") != ShardMap.weight(shard: "a", model: "bc"))
    }

    @Test("Invalid lists are refused")
    func invalid() {
        #expect(throws: ShardMapError("a shard list needs at least one shard")) { try ShardMap(shards: []) }
        #expect(throws: ShardMapError("shard name a appears twice")) { try self.map(["a", "a"]) }
    }
}
