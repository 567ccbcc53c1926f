import GRDB
import HookQueue
import HookRules

extension SQLiteTransferQueue {
    @discardableResult
    public func enqueue(_ requests: [TransferRequest]) async throws -> EnqueueReceipt {
        guard !requests.isEmpty else { return EnqueueReceipt(ids: [], inserted: 0, coalesced: 0) }
        return try await write { db, now in
            let statement = try db.cachedStatement(sql: Self.upsertSQL)
            var ids: [QueueItemID] = []
            ids.reserveCapacity(requests.count)
            var coalesced = 0
            for request in requests {
                guard let row = try Row.fetchOne(statement, arguments: Self.arguments(request, now: now)) else {
                    preconditionFailure("INSERT ... RETURNING returned no row")
                }
                ids.append(QueueItemID(row[0] as Int64))
                if (row[1] as Int) > 0 { coalesced += 1 }
            }
            return EnqueueReceipt(ids: ids, inserted: requests.count - coalesced, coalesced: coalesced)
        }
    }

    /// Inserts a pending row, or merges into the pending row with the same coalescing key: the newest request's
    /// fields win, `debug` is OR-ed, a debug request moves the row's due time to now, and the count goes up.
    /// `coalesced` in the returned row is 0 exactly when a new row was inserted.
    static let upsertSQL = """
        INSERT INTO queue_item (
            subscription, integration, scope, direction, external_id, child_request, parent_kind, parent_external_id,
            origin_kind, origin_external_id, delete_triggered, hook_id, debug, state, enqueued_at, due_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
        ON CONFLICT (subscription, scope, external_id, direction) WHERE state = 'pending' DO UPDATE SET
            integration = excluded.integration,
            child_request = excluded.child_request,
            parent_kind = excluded.parent_kind,
            parent_external_id = excluded.parent_external_id,
            origin_kind = excluded.origin_kind,
            origin_external_id = excluded.origin_external_id,
            delete_triggered = excluded.delete_triggered,
            hook_id = excluded.hook_id,
            debug = debug | excluded.debug,
            due_at = CASE WHEN excluded.debug THEN min(due_at, excluded.due_at) ELSE due_at END,
            coalesced = coalesced + 1
        RETURNING id, coalesced
        """

    static func arguments(_ request: TransferRequest, now: Int64) -> StatementArguments {
        [
            request.subscription, request.integration, request.scope.description, request.direction.rawValue,
            request.externalId, request.childRequest, request.parent?.kind, request.parent?.externalId,
            request.origin?.kind, request.origin?.externalId, request.deleteTriggered, request.hookId, request.debug,
            now, now,
        ]
    }
}
