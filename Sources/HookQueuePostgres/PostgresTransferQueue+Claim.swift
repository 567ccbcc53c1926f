import HookQueue
import PostgresNIO

extension PostgresTransferQueue {
    public func claim(worker: String, limit: Int, lease: Duration) async throws -> [ClaimedRequest] {
        guard limit >= 1 else { throw TransferQueueError.invalidArgument("claim limit \(limit) is below 1") }
        guard lease > .zero else { throw TransferQueueError.invalidArgument("lease \(lease) is not positive") }
        let leaseMicroseconds = Microseconds.of(lease)
        // The common case in one statement: no lease has expired, so there is nothing to rescue first. When it
        // claims nothing (an empty queue, or expired leases to rescue), the full transaction runs.
        let quick = try await write(singleStatement: true) { connection, now in
            try await connection.items(
                Self.claimQuery(.unlessLeasesExpired, worker: worker, limit: limit, now: now, leaseExpiry: now + leaseMicroseconds)
            )
        }
        let claimed = quick.isEmpty
            ? try await write { connection, now in
                try await self.rescue(connection, now: now)
                return try await connection.items(
                    Self.claimQuery(.always, worker: worker, limit: limit, now: now, leaseExpiry: now + leaseMicroseconds)
                )
            }
            : quick
        // RETURNING comes in no particular order: restore the priority order.
        return try claimed.sorted(by: StoredItem.priorityOrder).map { try $0.claim() }
    }

    @discardableResult
    public func rescueExpiredLeases() async throws -> Int {
        try await write { connection, now in try await self.rescue(connection, now: now) }
    }

    /// Returns expired claims to pending after the policy's backoff, or to the dead letter once their attempts are
    /// used up. An expired lease is a failed attempt: the worker may have crashed on this very request. Rows another
    /// transaction is rescuing (or settling) right now are skipped: that one handles them.
    @discardableResult
    func rescue(_ connection: PostgresConnection, now: Int64) async throws -> Int {
        let expired = try await connection.items("""
            SELECT \(unescaped: StoredItem.columns) FROM queue_item
            WHERE state = 'claimed' AND lease_expires_at <= \(now)
            ORDER BY id FOR UPDATE SKIP LOCKED
            """)
        for item in expired {
            switch item.afterFailedAttempt(policy: policy, now: now) {
            case .deadLetter:
                try await Requeue.toDead(connection, item, lastError: item.leaseExpiredError)
            case let .retry(due):
                _ = try await Requeue.toPending(
                    connection, item, dueAt: due, now: now, lastError: item.leaseExpiredError, retryBase: item.retryBase)
            }
        }
        return expired.count
    }

    enum ClaimCondition {
        /// Claims only when no lease has expired (checked in the same statement).
        case unlessLeasesExpired
        case always
    }

    /// Claims up to `limit` due pending rows in priority order. The CTE locks them with `FOR UPDATE SKIP LOCKED`, so
    /// concurrent claims take different rows without waiting; an `UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR
    /// UPDATE SKIP LOCKED)` could update more than n rows (PostgreSQL bug #15715). The scan reads `queue_item_ready`
    /// in order and stops after `limit` rows.
    static func claimQuery(
        _ condition: ClaimCondition, worker: String, limit: Int, now: Int64, leaseExpiry: Int64
    ) -> PostgresQuery {
        // With the condition's value known when the statement is planned, `true OR ...` folds away.
        let claimEvenIfExpired = condition == .always
        return """
            WITH next (claimable_id) AS (
                SELECT id FROM queue_item
                WHERE state = 'pending' AND due_at <= \(now) AND (\(claimEvenIfExpired) OR NOT EXISTS (
                    SELECT FROM queue_item WHERE state = 'claimed' AND lease_expires_at <= \(now)))
                ORDER BY debug DESC, due_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            UPDATE queue_item SET
                state = 'claimed', attempt = attempt + 1, worker = \(worker), lease_expires_at = \(leaseExpiry)
            FROM next WHERE id = claimable_id
            RETURNING \(unescaped: StoredItem.columns)
            """
    }
}
