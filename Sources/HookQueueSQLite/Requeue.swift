import GRDB
import HookQueue

/// Moves rows between states inside a write transaction; shared by fail, release, rescue and retry-from-dead.
enum Requeue {
    /// Makes `item` pending again, due at `dueAt`. If an equal request is already pending (enqueued while `item`
    /// was claimed or dead), `item` is merged into that one instead: its count and debug flag are added and the row
    /// is deleted, so the unique pending key holds. Returns the pending row it was merged into, if any.
    static func toPending(
        _ db: Database, _ item: StoredItem, dueAt: Int64, now: Int64, lastError: String?, retryBase: Int
    ) throws -> QueueItemID? {
        if let into = try Int64.fetchOne(db.cachedStatement(sql: mergeSQL), arguments: [now, item.id.rawValue]) {
            try db.cachedStatement(sql: "DELETE FROM queue_item WHERE id = ?").execute(arguments: [item.id.rawValue])
            return QueueItemID(into)
        }
        try db.cachedStatement(sql: pendingSQL).execute(arguments: [dueAt, lastError, retryBase, item.id.rawValue])
        return nil
    }

    /// Dead-letters `item` with its last error.
    static func toDead(_ db: Database, _ item: StoredItem, lastError: String) throws {
        try db.cachedStatement(sql: deadSQL).execute(arguments: [lastError, item.id.rawValue])
    }

    /// Arguments: now, the returning row's id.
    private static let mergeSQL = """
        UPDATE queue_item AS p SET
            coalesced = p.coalesced + r.coalesced + 1,
            debug = p.debug | r.debug,
            due_at = CASE WHEN r.debug THEN min(p.due_at, ?1) ELSE p.due_at END
        FROM (SELECT * FROM queue_item WHERE id = ?2) AS r
        WHERE p.state = 'pending' AND p.id <> r.id AND p.subscription = r.subscription AND p.scope = r.scope
            AND p.external_id = r.external_id AND p.direction = r.direction
        RETURNING id
        """

    private static let pendingSQL = """
        UPDATE queue_item SET state = 'pending', due_at = ?, lease_expires_at = NULL, last_error = ?, retry_base = ?
        WHERE id = ?
        """

    private static let deadSQL = """
        UPDATE queue_item SET state = 'dead', lease_expires_at = NULL, last_error = ? WHERE id = ?
        """
}
