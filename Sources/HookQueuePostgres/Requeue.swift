import HookQueue
import PostgresNIO

/// Moves rows between states inside a transaction; shared by fail, release, rescue and retry-from-dead. The caller
/// holds the row's lock (it selected it `FOR UPDATE`).
enum Requeue {
    /// Makes `item` pending again, due at `dueAt`. If an equal request is already pending (enqueued while `item` was
    /// claimed or dead), `item` is merged into that one instead: its count and debug flag are added and the row is
    /// deleted, so the unique pending key holds. Returns the pending row it was merged into, if any.
    ///
    /// Should another transaction make an equal request pending between the merge attempt and the update, the update
    /// violates the pending key; the caller's transaction then runs again and merges (see
    /// `PostgresQueueError.isTransientConflict`).
    static func toPending(
        _ connection: PostgresConnection, _ item: StoredItem, dueAt: Int64, now: Int64, lastError: String?,
        retryBase: Int
    ) async throws -> QueueItemID? {
        let merged = try await connection.rows("""
            UPDATE queue_item AS p SET
                coalesced = p.coalesced + r.coalesced + 1,
                debug = p.debug OR r.debug,
                due_at = CASE WHEN r.debug THEN least(p.due_at, \(now)) ELSE p.due_at END
            FROM queue_item AS r
            WHERE r.id = \(item.id.rawValue) AND p.state = 'pending' AND p.id <> r.id
                AND p.subscription = r.subscription AND p.scope = r.scope AND p.external_id = r.external_id
                AND p.direction = r.direction
            RETURNING p.id
            """) { try $0.decode(Int64.self) }
        if let into = merged.first {
            try await connection.run("DELETE FROM queue_item WHERE id = \(item.id.rawValue)")
            return QueueItemID(into)
        }
        try await connection.run("""
            UPDATE queue_item SET
                state = 'pending', due_at = \(dueAt), lease_expires_at = NULL, last_error = \(lastError),
                retry_base = \(retryBase)
            WHERE id = \(item.id.rawValue)
            """)
        return nil
    }

    /// Dead-letters `item` with its last error.
    static func toDead(_ connection: PostgresConnection, _ item: StoredItem, lastError: String) async throws {
        try await connection.run("""
            UPDATE queue_item SET state = 'dead', lease_expires_at = NULL, last_error = \(lastError)
            WHERE id = \(item.id.rawValue)
            """)
    }
}
