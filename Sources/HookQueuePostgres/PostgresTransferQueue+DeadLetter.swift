import HookQueue
import PostgresNIO

extension PostgresTransferQueue {
    @discardableResult
    public func retryDead(_ selection: DeadLetterSelection) async throws -> Int {
        let retried = try await write { connection, now in
            let dead = try await connection.items(Self.deadQuery(selection))
            for item in dead {
                // A fresh round of attempts; the attempt itself goes on counting, as it fences claims.
                _ = try await Requeue.toPending(
                    connection, item, dueAt: now, now: now, lastError: item.lastError, retryBase: item.attempt)
            }
            if !dead.isEmpty { try await connection.notify(self.notificationChannel) }
            return dead.count
        }
        if retried > 0 { workArrived.signal() }
        return retried
    }

    /// The selected dead rows, locked, in the order they are retried: the given ids' order (each once), else by id.
    /// Two equal requests retried together become one pending request: the first, with the second merged into it.
    static func deadQuery(_ selection: DeadLetterSelection) -> PostgresQuery {
        switch selection {
        case let .ids(ids):
            var seen = Set<QueueItemID>()
            let distinct = ids.filter { seen.insert($0).inserted }.map(\.rawValue)
            return """
                SELECT \(unescaped: StoredItem.columns) FROM queue_item
                JOIN unnest(\(distinct)) WITH ORDINALITY AS selected (id, position) USING (id)
                WHERE state = 'dead' ORDER BY position FOR UPDATE OF queue_item
                """
        case let .matching(subscription, scope):
            return """
                SELECT \(unescaped: StoredItem.columns) FROM queue_item
                WHERE state = 'dead' AND (\(subscription)::text IS NULL OR subscription = \(subscription))
                    AND (\(scope?.description)::text IS NULL OR scope = \(scope?.description))
                ORDER BY id FOR UPDATE
                """
        }
    }
}
