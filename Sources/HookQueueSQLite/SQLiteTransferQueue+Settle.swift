import GRDB
import HookQueue
import HookModel

/// Heartbeat, complete, fail and release: every statement is fenced by (id, attempt, state = 'claimed').
extension SQLiteTransferQueue {
    public func heartbeat(_ claims: [ClaimedRequest], lease: Duration) async throws -> HeartbeatResult {
        guard lease > .zero else { throw TransferQueueError.invalidArgument("lease \(lease) is not positive") }
        guard !claims.isEmpty else { return HeartbeatResult(renewed: [], lost: []) }
        let leaseMicroseconds = Microseconds.of(lease)
        return try await write { db, now in
            let statement = try db.cachedStatement(sql: Self.heartbeatSQL)
            var result = HeartbeatResult(renewed: [], lost: [])
            for claim in claims {
                try statement.execute(arguments: [now + leaseMicroseconds, claim.id.rawValue, claim.attempt])
                if db.changesCount == 1 {
                    var renewed = claim
                    renewed.leaseExpiresAt = Microseconds.date(now + leaseMicroseconds)
                    result.renewed.append(renewed)
                } else {
                    result.lost.append(claim)
                }
            }
            return result
        }
    }

    public func complete(_ completions: [Completion]) async throws -> CompletionResult {
        guard !completions.isEmpty else { return CompletionResult(completed: [], lost: []) }
        let (result, followedUp) = try await write { db, now in
            let statement = try db.cachedStatement(sql: Self.completeSQL)
            var result = CompletionResult(completed: [], lost: [])
            var followUps: [TransferRequest] = []
            for completion in completions {
                let claim = completion.claim
                try statement.execute(arguments: [claim.id.rawValue, claim.attempt])
                if db.changesCount == 1 {
                    result.completed.append(claim.id)
                    followUps += completion.followUps
                } else {
                    result.lost.append(claim)
                }
            }
            _ = try EnqueueUpsert.apply(followUps, now: now, in: db)
            return (result, !followUps.isEmpty)
        }
        if followedUp { workArrived.signal() }
        return result
    }

    @discardableResult
    public func fail(_ claim: ClaimedRequest, error: String, retryAfter: Duration?) async throws -> FailureOutcome {
        try await write { db, now in
            let item = try Self.held(db, claim)
            guard case let .retry(due) = item.afterFailedAttempt(policy: self.policy, now: now, retryAfter: retryAfter) else {
                try Requeue.toDead(db, item, lastError: error)
                return .deadLettered
            }
            if let into = try Requeue.toPending(db, item, dueAt: due, now: now, lastError: error, retryBase: item.retryBase) {
                return .mergedIntoPending(into)
            }
            return .retryScheduled(at: Microseconds.date(due))
        }
    }

    public func deadLetter(_ claim: ClaimedRequest, error: String) async throws {
        try await write { db, _ in
            try Requeue.toDead(db, try Self.held(db, claim), lastError: error)
        }
    }

    public func release(_ claim: ClaimedRequest) async throws {
        try await write { db, now in
            let item = try Self.held(db, claim)
            // The released attempt does not count: the round starts one attempt later.
            _ = try Requeue.toPending(db, item, dueAt: now, now: now, lastError: item.lastError, retryBase: item.retryBase + 1)
        }
        workArrived.signal()
    }

    /// The row `claim` still holds, or ``TransferQueueError/leaseLost(id:attempt:)``.
    static func held(_ db: Database, _ claim: ClaimedRequest) throws -> StoredItem {
        let rows = try StoredItem.fetchAll(db, sql: heldSQL, arguments: [claim.id.rawValue, claim.attempt])
        guard let item = rows.first else { throw TransferQueueError.leaseLost(id: claim.id, attempt: claim.attempt) }
        return item
    }

    static let heldSQL = """
        SELECT \(StoredItem.columns) FROM queue_item WHERE id = ? AND attempt = ? AND state = 'claimed'
        """
    static let heartbeatSQL = """
        UPDATE queue_item SET lease_expires_at = ? WHERE id = ? AND attempt = ? AND state = 'claimed'
        """
    static let completeSQL = "DELETE FROM queue_item WHERE id = ? AND attempt = ? AND state = 'claimed'"
}
