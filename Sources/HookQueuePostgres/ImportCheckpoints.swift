import HookQueue
import PostgresNIO

/// The `import_checkpoint` table: one row per bulk import, written in the enqueue transaction it describes.
enum ImportCheckpoints {
    static func store(_ checkpoint: ImportCheckpoint, on connection: PostgresConnection) async throws {
        try await connection.run("""
            INSERT INTO import_checkpoint (import_key, rows_done, requests_enqueued)
            VALUES (\(checkpoint.key), \(checkpoint.rowsDone), \(checkpoint.requestsEnqueued))
            ON CONFLICT (import_key) DO UPDATE SET
                rows_done = excluded.rows_done, requests_enqueued = excluded.requests_enqueued
            """)
    }

    static func fetch(_ key: String, on connection: PostgresConnection) async throws -> ImportCheckpoint? {
        try await connection.rows(
            "SELECT rows_done, requests_enqueued FROM import_checkpoint WHERE import_key = \(key)"
        ) { row in
            let (rowsDone, requestsEnqueued) = try row.decode((Int, Int).self)
            return ImportCheckpoint(key: key, rowsDone: rowsDone, requestsEnqueued: requestsEnqueued)
        }.first
    }
}

extension PostgresTransferQueue {
    public func checkpoint(forImport key: String) async throws -> ImportCheckpoint? {
        try await withConnection { connection in try await ImportCheckpoints.fetch(key, on: connection) }
    }

    public func removeCheckpoint(forImport key: String) async throws {
        try await withConnection { connection in
            try await connection.run("DELETE FROM import_checkpoint WHERE import_key = \(key)")
        }
    }
}
