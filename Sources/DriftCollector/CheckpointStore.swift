import Foundation
import GRDB

/// The collector's durable state in SQLite (through GRDB): the engine checkpoint and the agents' acknowledged
/// sequence numbers, written together in one transaction so they never disagree after a crash.
///
/// The table holds one row per named blob; blobs are the JSON of Codable state. The database runs in WAL mode so
/// that a checkpoint never blocks readers (the `driftwatch` CLI reading state while the collector runs).
final class CheckpointStore: Sendable {
    private let database: DatabaseQueue

    /// Opens (creating if needed) the store at `path`, or an in-memory store for `":memory:"`.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "driftwatch-state"
        configuration.busyMode = .timeout(5)
        if path == ":memory:" {
            database = try DatabaseQueue(configuration: configuration)
        } else {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            database = try DatabaseQueue(path: path, configuration: configuration)
            _ = try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: checkpoint blobs") { db in
            try db.create(table: "checkpoint") { table in
                table.primaryKey("name", .text)
                table.column("saved_at_ns", .integer).notNull()
                table.column("format_version", .integer).notNull()
                table.column("body", .blob).notNull()
            }
        }
        try migrator.migrate(database)
    }

    /// The version of the blob layout this build writes; a blob of another version is ignored with a warning.
    static let formatVersion = 1

    /// Saves every blob of `blobs` atomically.
    func save(_ blobs: [String: Data], savedAt: Int64) throws {
        try database.write { db in
            for (name, body) in blobs {
                try db.execute(
                    sql: """
                        INSERT INTO checkpoint (name, saved_at_ns, format_version, body) VALUES (?, ?, ?, ?)
                        ON CONFLICT(name) DO UPDATE SET saved_at_ns = excluded.saved_at_ns,
                            format_version = excluded.format_version, body = excluded.body
                        """,
                    arguments: [name, savedAt, Self.formatVersion, body]
                )
            }
        }
    }

    /// Loads the blob called `name`, if one of the current format was saved.
    func load(_ name: String) throws -> (body: Data, savedAt: Int64)? {
        try database.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT body, saved_at_ns FROM checkpoint WHERE name = ? AND format_version = ?",
                    arguments: [name, Self.formatVersion]
                )
            else { return nil }
            return (row["body"], row["saved_at_ns"])
        }
    }
}

/// JSON coders for checkpoint blobs and baseline files. Engine state and baselines legitimately hold NaN (a missing
/// value, an unset statistic), which plain JSON cannot carry, so non-finite numbers are written as the strings
/// "NaN", "+Inf" and "-Inf".
public enum CheckpointCoding {
    /// An encoder that writes non-finite numbers as strings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+Inf",
            negativeInfinity: "-Inf",
            nan: "NaN"
        )
        return encoder
    }

    /// A decoder that reads what ``encoder()`` writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+Inf",
            negativeInfinity: "-Inf",
            nan: "NaN"
        )
        return decoder
    }
}
