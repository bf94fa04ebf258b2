/// A static list of collector shards and the rule that gives each model its owner: rendezvous (highest random
/// weight) hashing over the shard names (Thaler & Ravishankar, "Using name-based mappings to increase hit rates",
/// IEEE/ACM ToN 6(1), 1998).
///
/// Every model goes to the shard whose `hash(shard name, model name)` is highest. Agents, subscribers and tools
/// that read the same list agree on every owner without talking to each other, and changing the list moves only
/// the models that must move: adding a shard to n moves each model with probability 1/(n+1), all of them to the
/// new shard; removing one moves only its own models. Shards are identified by name, so endpoints can change
/// without moving anything. See docs/sharding.md.
public struct ShardMap: Sendable, Hashable {
    /// One collector shard.
    public struct Shard: Sendable, Hashable, Codable {
        /// The shard's name: the hashing key (unique, stable for the shard's life).
        public var name: String
        /// The collector's ingest endpoint (ROUTER) agents connect to.
        public var ingest: String
        /// The collector's alert endpoint (PUB) subscribers connect to, if published.
        public var alerts: String?
        /// The collector's HTTP base URL (e.g. `http://10.0.0.5:7780`), if published.
        public var http: String?
        /// This shard's CURVE public key as 40 Z85 characters (`curve_public_key`), for shards that do not share
        /// one collector key pair; clients without it use their `--collector-key`.
        public var curvePublicKey: String?
        /// A `.pub` file holding this shard's CURVE public key (`curve_key_file`), as an alternative to
        /// ``curvePublicKey``; a relative path is relative to the shard list's directory.
        public var curveKeyFile: String?

        enum CodingKeys: String, CodingKey {
            case name, ingest, alerts, http
            case curvePublicKey = "curve_public_key"
            case curveKeyFile = "curve_key_file"
        }

        /// Creates a shard.
        /// - Parameters:
        ///   - name: the shard name.
        ///   - ingest: the ingest endpoint.
        ///   - alerts: the alert endpoint.
        ///   - http: the HTTP base URL.
        ///   - curvePublicKey: the shard's own CURVE public key (Z85), if any.
        ///   - curveKeyFile: a `.pub` file with the shard's own CURVE public key, if any.
        public init(
            name: String,
            ingest: String,
            alerts: String? = nil,
            http: String? = nil,
            curvePublicKey: String? = nil,
            curveKeyFile: String? = nil
        ) {
            self.name = name
            self.ingest = ingest
            self.alerts = alerts
            self.http = http
            self.curvePublicKey = curvePublicKey
            self.curveKeyFile = curveKeyFile
        }
    }

    /// The shards, in the order given.
    public let shards: [Shard]

    /// Creates a map.
    /// - Parameter shards: at least one shard; names non-empty and unique.
    /// - Throws: ``ShardMapError`` naming the problem.
    public init(shards: [Shard]) throws(ShardMapError) {
        guard !shards.isEmpty else { throw ShardMapError("a shard list needs at least one shard") }
        var seen = Set<String>()
        for shard in shards {
            guard !shard.name.isEmpty else { throw ShardMapError("a shard has an empty name") }
            guard !shard.ingest.isEmpty else { throw ShardMapError("shard \(shard.name) has no ingest endpoint") }
            guard seen.insert(shard.name).inserted else {
                throw ShardMapError("shard name \(shard.name) appears twice")
            }
            guard shard.curvePublicKey == nil || shard.curveKeyFile == nil else {
                throw ShardMapError("shard \(shard.name) gives both curve_public_key and curve_key_file; give one")
            }
        }
        self.shards = shards
    }

    /// The shard that owns `model`.
    /// - Complexity: O(number of shards × name lengths).
    public func owner(of model: String) -> Shard {
        var best = shards[0]
        var bestWeight = Self.weight(shard: best.name, model: model)
        for shard in shards.dropFirst() {
            let weight = Self.weight(shard: shard.name, model: model)
            // Ties (astronomically rare) go to the smaller name, so every reader breaks them alike.
            if weight > bestWeight || (weight == bestWeight && shard.name < best.name) {
                best = shard
                bestWeight = weight
            }
        }
        return best
    }

    /// The rendezvous weight of (`shard`, `model`): 64-bit FNV-1a over the shard name, a 0 separator and the model
    /// name, then the SplitMix64 finaliser so that names differing in one byte get unrelated weights. Fixed forever:
    /// changing it would move models between shards.
    public static func weight(shard: String, model: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in shard.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0) &* 0x0000_0100_0000_01b3
        for byte in model.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}

/// A shard list that cannot be used.
public struct ShardMapError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
