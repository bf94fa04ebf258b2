import DriftAgent
import DriftProtocol
import Foundation
import Yams
import ZeroMQ

/// Reads a shard list (docs/sharding.md):
///
/// ```yaml
/// shards:
///   - name: shard-a                      # the hashing key: stable for the shard's life
///     ingest: tcp://10.0.0.11:7701       # agents send here
///     alerts: tcp://10.0.0.11:7702       # subscribers listen here
///     http: http://10.0.0.11:7780        # the JSON API
///     curve_key_file: keys/shard-a.pub   # optional: this shard's own CURVE public key (or curve_public_key: Z85)
/// ```
public enum ShardsFile {
    private struct Document: Decodable {
        var shards: [ShardMap.Shard]
    }

    /// Loads and checks the list at `path`.
    /// - Throws: ``CommandFailure`` naming the file and the problem.
    public static func load(path: String) throws -> ShardMap {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot read the shard list \(path): \(error.localizedDescription)")
        }
        do {
            let document = try YAMLDecoder().decode(Document.self, from: text)
            return try ShardMap(shards: document.shards)
        } catch let error as ShardMapError {
            throw CommandFailure("\(path): \(error.message)")
        } catch {
            throw CommandFailure(
                "\(path): not a shard list (expected `shards:` with name, ingest, alerts and http per shard): \(error)"
            )
        }
    }

    /// The CURVE public key each shard of `map` gives (`curve_public_key`, or `curve_key_file` read relative to the
    /// directory of the list at `path`); shards without one are absent.
    /// - Throws: ``CommandFailure`` naming the list, the shard and the problem.
    public static func curveKeys(of map: ShardMap, listedAt path: String) throws -> [String: CurveKey] {
        var keys: [String: CurveKey] = [:]
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        for shard in map.shards {
            if let text = shard.curvePublicKey {
                guard let key = CurveKey(z85: text) else {
                    throw CommandFailure(
                        "\(path): shard \(shard.name): curve_public_key is not a 40-character Z85 key"
                    )
                }
                keys[shard.name] = key
            } else if let file = shard.curveKeyFile {
                let resolved = file.hasPrefix("/") ? file : directory.appendingPathComponent(file).path
                do {
                    keys[shard.name] = try CurveKeyFile.loadPublicKey(path: resolved)
                } catch let problem as CurveKeyFile.Problem {
                    throw CommandFailure("\(path): shard \(shard.name): curve_key_file: \(problem.message)")
                }
            }
        }
        return keys
    }

    /// The CURVE client keys for each shard of `map`: this client's key pair with the shard's own public key, or
    /// with `fallback` (`--collector-key`) for shards that give none.
    /// - Returns: nil without a key pair (plain connections); then no shard may give a key.
    /// - Throws: ``CommandFailure`` when a shard has a key but the client has no key pair, or when a shard has no key
    ///   and there is no fallback.
    public static func curveClientKeys(
        of map: ShardMap,
        listedAt path: String,
        keyPair: CurveKeyPair?,
        fallback: CurveKey?
    ) throws -> [String: CurveClientKeys]? {
        let keys = try curveKeys(of: map, listedAt: path)
        guard let keyPair else {
            if let shard = map.shards.first(where: { keys[$0.name] != nil }) {
                throw CommandFailure(
                    "\(path): shard \(shard.name) has a CURVE key; give --curve-secret with this client's key pair"
                )
            }
            return nil
        }
        var clients: [String: CurveClientKeys] = [:]
        for shard in map.shards {
            guard let server = keys[shard.name] ?? fallback else {
                throw CommandFailure(
                    "\(path): shard \(shard.name) has no curve_public_key or curve_key_file; give --collector-key"
                )
            }
            clients[shard.name] = CurveClientKeys(serverKey: server, keyPair: keyPair)
        }
        return clients
    }
}
