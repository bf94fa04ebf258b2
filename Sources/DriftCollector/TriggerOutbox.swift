import DriftProtocol
import Foundation
import GRDB

/// The durable outbox of retraining triggers, in SQLite (GRDB, WAL mode): a trigger is written here, in the same
/// transaction as the trigger evaluator's state, before any attempt to send it, and each configured sink's delivery
/// is tracked until the sink acknowledges it.
///
/// Tables: `retrain_trigger` (one row per trigger id, the JSON payload), `retrain_delivery` (one row per trigger and
/// sink: state, attempts, next attempt, last error) and `retrain_evaluator` (the evaluator's saved state). The trigger
/// id is the primary key, so writing the same trigger twice (the same episode decided again after a crash) keeps
/// one row and one delivery. With a `--state` file it shares that file with the checkpoints; without one it lives
/// in memory and nothing survives a restart.
final class TriggerOutbox: Sendable {
    /// A delivery claimed by a sink's worker.
    struct Claim: Sendable {
        let triggerID: String
        let body: Data
        let attempts: Int
    }

    private let database: DatabaseQueue

    /// Opens (creating if needed) the outbox at `path`, or in memory when `path` is nil.
    init(path: String?) throws {
        var configuration = Configuration()
        configuration.label = "driftwatch-triggers"
        configuration.busyMode = .timeout(10)
        if let path {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            database = try DatabaseQueue(path: path, configuration: configuration)
            _ = try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        } else {
            database = try DatabaseQueue(configuration: configuration)
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: retrain trigger outbox") { db in
            try db.create(table: "retrain_trigger") { table in
                table.primaryKey("trigger_id", .text)
                table.column("model", .text).notNull()
                table.column("model_version", .text).notNull()
                table.column("source", .text).notNull()
                table.column("reason", .text).notNull()
                table.column("created_at_ns", .integer).notNull()
                table.column("recorded_at_ns", .integer).notNull()
                table.column("body", .blob).notNull()
            }
            try db.create(table: "retrain_delivery") { table in
                table.column("trigger_id", .text).notNull().references("retrain_trigger", onDelete: .cascade)
                table.column("sink", .text).notNull()
                table.column("state", .text).notNull()
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("next_attempt_at_ns", .integer).notNull()
                table.column("last_error", .text)
                table.column("delivered_at_ns", .integer)
                table.primaryKey(["trigger_id", "sink"])
            }
            try db.create(index: "retrain_delivery_due", on: "retrain_delivery", columns: ["sink", "state"])
            try db.create(table: "retrain_evaluator") { table in
                table.primaryKey("name", .text)
                table.column("body", .blob).notNull()
            }
        }
        try migrator.migrate(database)
    }

    /// Writes `triggers` (ignoring ids already present) with a pending delivery for each of `sinks`, and the
    /// evaluator state, in one transaction.
    /// - Returns: the ids that were new.
    @discardableResult
    func record(
        _ triggers: [RetrainTrigger],
        sinks: [String],
        evaluator: Data?,
        now: Int64
    ) throws -> [String] {
        let bodies = try triggers.map { try Data(JSONBody.encode($0)) }
        return try database.write { db in
            var inserted: [String] = []
            for (trigger, body) in zip(triggers, bodies) {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO retrain_trigger
                            (trigger_id, model, model_version, source, reason, created_at_ns, recorded_at_ns, body)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        trigger.id, trigger.model, trigger.modelVersion, trigger.source ?? "policy", trigger.reason,
                        trigger.createdAt, now, body,
                    ]
                )
                guard db.changesCount > 0 else { continue }
                inserted.append(trigger.id)
                for sink in sinks {
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO retrain_delivery (trigger_id, sink, state, next_attempt_at_ns)
                            VALUES (?, ?, 'pending', ?)
                            """,
                        arguments: [trigger.id, sink, now]
                    )
                }
            }
            if let evaluator {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO retrain_evaluator (name, body) VALUES ('evaluator', ?)",
                    arguments: [evaluator]
                )
            }
            return inserted
        }
    }

    /// Saves the evaluator state alone (with the engine checkpoint).
    func saveEvaluator(_ body: Data) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO retrain_evaluator (name, body) VALUES ('evaluator', ?)",
                arguments: [body]
            )
        }
    }

    /// The saved evaluator state, if any.
    func loadEvaluator() throws -> Data? {
        try database.read { db in
            try Data.fetchOne(db, sql: "SELECT body FROM retrain_evaluator WHERE name = 'evaluator'")
        }
    }

    /// Makes the outbox ready for this run: attempts interrupted by a crash (`delivering`) are retried at once, and
    /// every trigger not yet delivered anywhere gets a pending delivery for each of `sinks` it lacks.
    func resume(sinks: [String], now: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: """
                    UPDATE retrain_delivery SET state = 'retrying', next_attempt_at_ns = ?,
                        last_error = COALESCE(last_error, 'interrupted by a collector restart')
                    WHERE state = 'delivering'
                    """,
                arguments: [now]
            )
            for sink in sinks {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO retrain_delivery (trigger_id, sink, state, next_attempt_at_ns)
                        SELECT trigger_id, ?, 'pending', ? FROM retrain_trigger t
                        WHERE NOT EXISTS (SELECT 1 FROM retrain_delivery d
                                          WHERE d.trigger_id = t.trigger_id AND d.state = 'delivered')
                        """,
                    arguments: [sink, now]
                )
            }
        }
    }

    /// Claims up to `limit` deliveries of `sink` that are due at `now`, oldest trigger first, marking them
    /// `delivering` (written before the attempt, so a crash during it leads to a retry, never to a loss).
    func claimDue(sink: String, now: Int64, limit: Int) throws -> [Claim] {
        try database.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.trigger_id, d.attempts, t.body FROM retrain_delivery d
                    JOIN retrain_trigger t ON t.trigger_id = d.trigger_id
                    WHERE d.sink = ? AND d.state IN ('pending', 'retrying') AND d.next_attempt_at_ns <= ?
                    ORDER BY t.recorded_at_ns, t.trigger_id LIMIT ?
                    """,
                arguments: [sink, now, limit]
            )
            var claims: [Claim] = []
            for row in rows {
                let id: String = row["trigger_id"]
                try db.execute(
                    sql: "UPDATE retrain_delivery SET state = 'delivering' WHERE trigger_id = ? AND sink = ?",
                    arguments: [id, sink]
                )
                claims.append(Claim(triggerID: id, body: row["body"], attempts: row["attempts"]))
            }
            return claims
        }
    }

    /// Records an acknowledged delivery.
    func markDelivered(_ triggerID: String, sink: String, now: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: """
                    UPDATE retrain_delivery SET state = 'delivered', attempts = attempts + 1, delivered_at_ns = ?,
                        last_error = NULL
                    WHERE trigger_id = ? AND sink = ?
                    """,
                arguments: [now, triggerID, sink]
            )
        }
    }

    /// Records a failed attempt and when to try again.
    func markFailed(_ triggerID: String, sink: String, error: String, retryAt: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: """
                    UPDATE retrain_delivery SET state = 'retrying', attempts = attempts + 1, last_error = ?,
                        next_attempt_at_ns = ?
                    WHERE trigger_id = ? AND sink = ?
                    """,
                arguments: [String(error.prefix(500)), retryAt, triggerID, sink]
            )
        }
    }

    /// Returns claimed deliveries unattempted (their sink is failing), due again at `retryAt`.
    func release(_ triggerIDs: [String], sink: String, retryAt: Int64) throws {
        try database.write { db in
            for id in triggerIDs {
                try db.execute(
                    sql: """
                        UPDATE retrain_delivery SET
                            state = CASE WHEN attempts = 0 THEN 'pending' ELSE 'retrying' END,
                            next_attempt_at_ns = ?
                        WHERE trigger_id = ? AND sink = ? AND state = 'delivering'
                        """,
                    arguments: [retryAt, id, sink]
                )
            }
        }
    }

    /// Triggers, newest first, optionally of one model and in one overall state.
    func list(model: String? = nil, state: TriggerRecord.State? = nil, limit: Int = 1000) throws -> [TriggerRecord] {
        try database.read { db in
            var sql = "SELECT * FROM retrain_trigger"
            var arguments: StatementArguments = []
            if let model {
                sql += " WHERE model = ?"
                arguments += [model]
            }
            sql += " ORDER BY recorded_at_ns DESC, created_at_ns DESC, trigger_id"
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            var records: [TriggerRecord] = []
            for row in rows {
                let record = try Self.record(row, in: db, withPayload: false)
                if let state, record.state != state { continue }
                records.append(record)
                if records.count >= limit { break }
            }
            return records
        }
    }

    /// One trigger with its payload, if it exists.
    func trigger(id: String) throws -> TriggerRecord? {
        try database.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM retrain_trigger WHERE trigger_id = ?",
                    arguments: [id]
                )
            else { return nil }
            return try Self.record(row, in: db, withPayload: true)
        }
    }

    private static func record(_ row: Row, in db: Database, withPayload: Bool) throws -> TriggerRecord {
        let id: String = row["trigger_id"]
        let deliveries = try Row.fetchAll(
            db,
            sql: "SELECT * FROM retrain_delivery WHERE trigger_id = ? ORDER BY sink",
            arguments: [id]
        ).map { delivery in
            let state = TriggerRecord.State(rawValue: delivery["state"]) ?? .pending
            return TriggerRecord.Delivery(
                sink: delivery["sink"],
                state: state,
                attempts: delivery["attempts"],
                nextAttemptAt: state == .delivered ? nil : delivery["next_attempt_at_ns"],
                lastError: delivery["last_error"],
                deliveredAt: delivery["delivered_at_ns"]
            )
        }
        let body: Data = row["body"]
        return TriggerRecord(
            id: id,
            model: row["model"],
            modelVersion: row["model_version"],
            source: row["source"],
            reason: row["reason"],
            createdAt: row["created_at_ns"],
            recordedAt: row["recorded_at_ns"],
            state: TriggerRecord.overall(deliveries),
            deliveries: deliveries,
            trigger: withPayload ? try? JSONBody.decode(RetrainTrigger.self, from: Array(body)) : nil
        )
    }
}
