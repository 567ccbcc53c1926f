import GRDB
import HookQueue

extension SQLiteTransferQueue {
    @discardableResult
    public func retryDead(_ selection: DeadLetterSelection) async throws -> Int {
        let retried = try await write { db, now in
            let dead: [StoredItem] = switch selection {
            case let .ids(ids):
                try ids.flatMap { try StoredItem.fetchAll(db, sql: Self.deadByIdSQL, arguments: [$0.rawValue]) }
            case let .matching(subscription, scope):
                try StoredItem.fetchAll(db, sql: Self.deadMatchingSQL, arguments: [subscription, scope?.description])
            }
            for item in dead {
                // A fresh round of attempts; the attempt itself goes on counting, as it fences claims.
                _ = try Requeue.toPending(db, item, dueAt: now, now: now, lastError: item.lastError, retryBase: item.attempt)
            }
            return dead.count
        }
        if retried > 0 { workArrived.signal() }
        return retried
    }

    static let deadByIdSQL = "SELECT \(StoredItem.columns) FROM queue_item WHERE id = ? AND state = 'dead'"
    static let deadMatchingSQL = """
        SELECT \(StoredItem.columns) FROM queue_item
        WHERE state = 'dead' AND (?1 IS NULL OR subscription = ?1) AND (?2 IS NULL OR scope = ?2) ORDER BY id
        """
}
