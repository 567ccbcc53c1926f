import GRDB
import HookQueue

/// The `import_checkpoint` table: one row per bulk import, written in the enqueue transaction it describes.
enum ImportCheckpoints {
    static func store(_ checkpoint: ImportCheckpoint, in db: Database) throws {
        try db.cachedStatement(sql: storeSQL).execute(
            arguments: [checkpoint.key, checkpoint.rowsDone, checkpoint.requestsEnqueued]
        )
    }

    static func fetch(_ key: String, in db: Database) throws -> ImportCheckpoint? {
        try Row.fetchOne(db, sql: fetchSQL, arguments: [key]).map {
            ImportCheckpoint(key: key, rowsDone: $0[0], requestsEnqueued: $0[1])
        }
    }

    static func remove(_ key: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM import_checkpoint WHERE import_key = ?", arguments: [key])
    }

    private static let storeSQL = """
        INSERT INTO import_checkpoint (import_key, rows_done, requests_enqueued) VALUES (?, ?, ?)
        ON CONFLICT (import_key) DO UPDATE SET
            rows_done = excluded.rows_done, requests_enqueued = excluded.requests_enqueued
        """
    private static let fetchSQL = "SELECT rows_done, requests_enqueued FROM import_checkpoint WHERE import_key = ?"
}

extension SQLiteTransferQueue {
    public func checkpoint(forImport key: String) async throws -> ImportCheckpoint? {
        try await read { db in try ImportCheckpoints.fetch(key, in: db) }
    }

    public func removeCheckpoint(forImport key: String) async throws {
        try await write { db, _ in try ImportCheckpoints.remove(key, in: db) }
    }

    public func waitForWork(timeout: Duration) async throws {
        // SQLite has no cross-process notification: other processes' work is found by the caller's next claim,
        // at the latest after `timeout`.
        await workArrived.wait(timeout: timeout)
    }
}
