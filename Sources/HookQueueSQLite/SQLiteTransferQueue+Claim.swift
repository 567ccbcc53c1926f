import GRDB
import HookQueue

extension SQLiteTransferQueue {
    public func claim(worker: String, limit: Int, lease: Duration) async throws -> [ClaimedRequest] {
        guard limit >= 1 else { throw TransferQueueError.invalidArgument("claim limit \(limit) is below 1") }
        guard lease > .zero else { throw TransferQueueError.invalidArgument("lease \(lease) is not positive") }
        let leaseMicroseconds = Microseconds.of(lease)
        return try await write { db, now in
            try self.rescue(db, now: now)
            let leaseExpiry = now + leaseMicroseconds
            var claimed: [ClaimedRow] = []
            for debug in [true, false] where claimed.count < limit {
                claimed += try ClaimedRow.fetchAll(
                    db, sql: Self.claimSQL, arguments: [worker, leaseExpiry, debug, now, limit - claimed.count],
                    worker: worker, leaseExpiresAt: leaseExpiry
                )
            }
            // RETURNING comes in no particular order: restore the priority order.
            return ClaimedRow.inPriorityOrder(claimed)
        }
    }

    @discardableResult
    public func rescueExpiredLeases() async throws -> Int {
        try await write { db, now in try self.rescue(db, now: now) }
    }

    /// Returns expired claims to pending after the policy's backoff, or to the dead letter once their attempts are
    /// used up. An expired lease is a failed attempt: the worker may have crashed on this very request.
    @discardableResult
    func rescue(_ db: Database, now: Int64) throws -> Int {
        let expired = try StoredItem.fetchAll(db, sql: Self.expiredSQL, arguments: [now]).sorted { $0.id < $1.id }
        for item in expired {
            switch item.afterFailedAttempt(policy: policy, now: now) {
            case .deadLetter:
                try Requeue.toDead(db, item, lastError: item.leaseExpiredError)
            case let .retry(due):
                _ = try Requeue.toPending(
                    db, item, dueAt: due, now: now, lastError: item.leaseExpiredError, retryBase: item.retryBase)
            }
        }
        return expired.count
    }

    /// Claims the due pending rows of one debug value in priority order. Arguments: worker, lease expiry, debug,
    /// now, limit. The subquery is a range scan of `queue_item_ready`.
    static let claimSQL = """
        UPDATE queue_item SET state = 'claimed', attempt = attempt + 1, worker = ?1, lease_expires_at = ?2
        WHERE id IN (
            SELECT id FROM queue_item WHERE state = 'pending' AND debug = ?3 AND due_at <= ?4
            ORDER BY due_at, id LIMIT ?5)
        RETURNING \(ClaimedRow.columns)
        """

    /// No ORDER BY: with one, SQLite scans the whole table by id instead of searching `queue_item_lease`.
    static let expiredSQL = """
        SELECT \(StoredItem.columns) FROM queue_item WHERE state = 'claimed' AND lease_expires_at <= ?
        """
}
