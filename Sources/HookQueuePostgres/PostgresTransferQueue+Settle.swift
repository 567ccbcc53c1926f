import HookQueue
import HookModel
import PostgresNIO

/// Heartbeat, complete, fail, dead-letter and release: every statement is fenced by id, attempt and the row being
/// claimed.
///
/// Statements that find claimed rows by id say "claimed" as `lease_expires_at IS NOT NULL` (a CHECK makes it the same
/// as `state = 'claimed'`): `state = 'claimed'` matches the predicate of `queue_item_lease`, and the planner then
/// reads that index, whose dead entries (one per claim until vacuum) its statistics do not count, instead of the
/// primary key, so every round would get slower as claims accumulate.
extension PostgresTransferQueue {
    public func heartbeat(_ claims: [ClaimedRequest], lease: Duration) async throws -> HeartbeatResult {
        guard lease > .zero else { throw TransferQueueError.invalidArgument("lease \(lease) is not positive") }
        guard !claims.isEmpty else { return HeartbeatResult(renewed: [], lost: []) }
        let leaseMicroseconds = Microseconds.of(lease)
        let (held, expiry) = try await write(singleStatement: true) { connection, now in
            let held = try await connection.fences("""
                UPDATE queue_item AS q SET lease_expires_at = \(now + leaseMicroseconds)
                FROM unnest(\(claims.map(\.id.rawValue)), \(claims.map(\.attempt))) AS c (id, attempt)
                WHERE q.id = c.id AND q.attempt = c.attempt AND q.lease_expires_at IS NOT NULL
                RETURNING q.id, q.attempt
                """)
            return (held, now + leaseMicroseconds)
        }
        var result = HeartbeatResult(renewed: [], lost: [])
        for claim in claims {
            if held.contains(ClaimFence(claim)) {
                var renewed = claim
                renewed.leaseExpiresAt = Microseconds.date(expiry)
                result.renewed.append(renewed)
            } else {
                result.lost.append(claim)
            }
        }
        return result
    }

    public func complete(_ completions: [Completion]) async throws -> CompletionResult {
        guard !completions.isEmpty else { return CompletionResult(completed: [], lost: []) }
        let claims = completions.map(\.claim)
        let delete: PostgresQuery = """
            DELETE FROM queue_item AS q
            USING unnest(\(claims.map(\.id.rawValue)), \(claims.map(\.attempt))) AS c (id, attempt)
            WHERE q.id = c.id AND q.attempt = c.attempt AND q.lease_expires_at IS NOT NULL
            RETURNING q.id, q.attempt
            """
        guard completions.contains(where: { !$0.followUps.isEmpty }) else {
            // Nothing to enqueue: the delete commits on its own, in one round trip.
            let deleted = try await write(singleStatement: true) { connection, _ in try await connection.fences(delete) }
            return Self.completionResult(completions, deleted: deleted).result
        }
        let (result, followedUp) = try await write { connection, now in
            let (result, followUps) = Self.completionResult(completions, deleted: try await connection.fences(delete))
            // A lost claim's follow-ups are dropped with it: whoever holds the request now will make them.
            let batch = EnqueueBatch(followUps)
            for chunk in batch.chunks(of: EnqueueUpsert.maxRows) {
                _ = try await EnqueueUpsert.apply(chunk, now: now, notifying: self.notificationChannel, on: connection)
            }
            return (result, !followUps.isEmpty)
        }
        if followedUp { workArrived.signal() }
        return result
    }

    /// Which completions were held (their rows deleted) and the follow-ups of those. A claim listed twice is completed
    /// once; the second is lost, as it would be completed one after the other.
    static func completionResult(
        _ completions: [Completion], deleted: Set<ClaimFence>
    ) -> (result: CompletionResult, followUps: [TransferRequest]) {
        var unsettled = deleted
        var result = CompletionResult(completed: [], lost: [])
        var followUps: [TransferRequest] = []
        for completion in completions {
            if unsettled.remove(ClaimFence(completion.claim)) != nil {
                result.completed.append(completion.claim.id)
                followUps += completion.followUps
            } else {
                result.lost.append(completion.claim)
            }
        }
        return (result, followUps)
    }

    @discardableResult
    public func fail(_ claim: ClaimedRequest, error: String, retryAfter: Duration?) async throws -> FailureOutcome {
        try await write { connection, now in
            let item = try await Self.held(connection, claim)
            guard case let .retry(due) = item.afterFailedAttempt(policy: self.policy, now: now, retryAfter: retryAfter) else {
                try await Requeue.toDead(connection, item, lastError: error)
                return .deadLettered
            }
            if let into = try await Requeue.toPending(
                connection, item, dueAt: due, now: now, lastError: error, retryBase: item.retryBase)
            {
                return .mergedIntoPending(into)
            }
            return .retryScheduled(at: Microseconds.date(due))
        }
    }

    public func deadLetter(_ claim: ClaimedRequest, error: String) async throws {
        try await write { connection, _ in
            try await Requeue.toDead(connection, try await Self.held(connection, claim), lastError: error)
        }
    }

    public func release(_ claim: ClaimedRequest) async throws {
        try await write { connection, now in
            let item = try await Self.held(connection, claim)
            // The released attempt does not count: the round starts one attempt later.
            _ = try await Requeue.toPending(
                connection, item, dueAt: now, now: now, lastError: item.lastError, retryBase: item.retryBase + 1)
            try await connection.notify(self.notificationChannel)
        }
        workArrived.signal()
    }

    /// The row `claim` still holds, locked until the transaction ends, or ``TransferQueueError/leaseLost(id:attempt:)``.
    static func held(_ connection: PostgresConnection, _ claim: ClaimedRequest) async throws -> StoredItem {
        let rows = try await connection.items("""
            SELECT \(unescaped: StoredItem.columns) FROM queue_item
            WHERE id = \(claim.id.rawValue) AND attempt = \(claim.attempt) AND lease_expires_at IS NOT NULL
            FOR UPDATE
            """)
        guard let item = rows.first else { throw TransferQueueError.leaseLost(id: claim.id, attempt: claim.attempt) }
        return item
    }
}

/// What fences a claim: the request's id at one attempt.
struct ClaimFence: Hashable, Sendable {
    let id: QueueItemID
    let attempt: Int

    init(_ claim: ClaimedRequest) {
        id = claim.id
        attempt = claim.attempt
    }

    init(id: Int64, attempt: Int) {
        self.id = QueueItemID(id)
        self.attempt = attempt
    }
}

extension PostgresConnection {
    /// Runs a statement returning `id, attempt` and collects them.
    func fences(_ query: PostgresQuery) async throws -> Set<ClaimFence> {
        Set(try await rows(query) { row in
            let (id, attempt) = try row.decode((Int64, Int).self)
            return ClaimFence(id: id, attempt: attempt)
        })
    }

    /// Notifies `channel` when the transaction commits (at once outside one).
    func notify(_ channel: String) async throws {
        try await run("SELECT pg_notify(\(channel), '')")
    }
}
