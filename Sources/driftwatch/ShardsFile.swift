import DriftProtocol
import Foundation
import Yams

/// Reads a shard list (docs/sharding.md):
///
/// ```yaml
/// shards:
///   - name: shard-a                      # the hashing key: stable for the shard's life
///     ingest: tcp://10.0.0.11:7701       # agents send here
///     alerts: tcp://10.0.0.11:7702       # subscribers listen here
///     http: http://10.0.0.11:7780        # the JSON API
/// ```
enum ShardsFile {
    private struct Document: Decodable {
        var shards: [ShardMap.Shard]
    }

    /// Loads and checks the list at `path`.
    /// - Throws: ``CommandFailure`` naming the file and the problem.
    static func load(path: String) throws -> ShardMap {
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
}
