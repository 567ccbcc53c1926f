import HookQueue
import PostgresNIO

extension PostgresTransferQueue {
    public func claim(worker: String, limit: Int, lease: Duration) async throws -> [ClaimedRequest] {
        try Self.checkClaim(limit: limit, lease: lease)
        let round = try await quickRound(ClaimRoundPart(completing: [], worker: worker, limit: limit, lease: lease))
        return round.claimed.isEmpty
            ? try await claimAfterRescue(worker: worker, limit: limit, lease: lease)
            : ClaimedRow.inPriorityOrder(round.claimed)
    }

    /// Completes and claims in one statement, so one round trip and one commit, when no completion has follow-ups and
    /// there is something to claim; otherwise completes in a statement or transaction of its own and then claims.
    public func completeAndClaim(
        _ completions: [Completion], worker: String, limit: Int, lease: Duration
    ) async throws -> (completed: CompletionResult, claimed: [ClaimedRequest]) {
        try Self.checkClaim(limit: limit, lease: lease)
        guard completions.allSatisfy({ $0.followUps.isEmpty }) else {
            let completed = try await complete(completions)
            return (completed, try await claim(worker: worker, limit: limit, lease: lease))
        }
        let fences = completions.map { ClaimFence($0.claim) }
        let round = try await quickRound(ClaimRoundPart(completing: fences, worker: worker, limit: limit, lease: lease))
        guard round.completionsRan else {
            // The round claimed nothing, so it completed nothing either.
            let completed = try await complete(completions)
            return (completed, try await claimAfterRescue(worker: worker, limit: limit, lease: lease))
        }
        let completed = Self.completionResult(completions, deleted: round.settled).result
        let claimed = round.claimed.isEmpty
            ? try await claimAfterRescue(worker: worker, limit: limit, lease: lease)
            : ClaimedRow.inPriorityOrder(round.claimed)
        return (completed, claimed)
    }

    @discardableResult
    public func rescueExpiredLeases() async throws -> Int {
        try await write { connection, now in try await self.rescue(connection, now: now) }
    }

    /// The common case in one statement, which commits on its own: claims and completes the part's claims still held,
    /// unless a lease has expired (then there is something to rescue first, and it claims nothing). A round that claims
    /// nothing completes nothing either (``ClaimRound/completionsRan``); the caller then completes on its own and runs
    /// ``claimAfterRescue(worker:limit:lease:)``, which also covers an empty queue.
    ///
    /// Callers of the same worker arriving while its round runs share the next one (``ClaimRoundCombiner``): one
    /// statement completes all their claims and claims the sum of their limits, and each takes its limit's share in
    /// priority order (the first part the first rows). They claim under one worker name and lease, so the rows are
    /// exactly what separate rounds would have written.
    private func quickRound(_ part: ClaimRoundPart) async throws -> ClaimRound {
        try await claimRounds.run(part) { parts in
            let round = try await write(singleStatement: true) { connection, now in
                try await connection.claimRound(Self.claimRoundStatement(
                    completing: parts.flatMap(\.completing), condition: .unlessLeasesExpired, worker: part.worker.name,
                    limit: parts.reduce(0) { $0 + $1.limit }, now: now, leaseExpiry: now + Microseconds.of(part.worker.lease)
                ))
            }
            return round.shared(by: parts.map(\.limit))
        }
    }

    /// Rescues expired leases, then claims, in one transaction.
    private func claimAfterRescue(worker: String, limit: Int, lease: Duration) async throws -> [ClaimedRequest] {
        let round = try await write { connection, now in
            try await self.rescue(connection, now: now)
            return try await connection.claimRound(Self.claimRoundStatement(
                completing: [], condition: .always, worker: worker, limit: limit, now: now,
                leaseExpiry: now + Microseconds.of(lease)
            ))
        }
        return ClaimedRow.inPriorityOrder(round.claimed)
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

    private static func checkClaim(limit: Int, lease: Duration) throws {
        guard limit >= 1 else { throw TransferQueueError.invalidArgument("claim limit \(limit) is below 1") }
        guard lease > .zero else { throw TransferQueueError.invalidArgument("lease \(lease) is not positive") }
    }

    enum ClaimCondition {
        /// Claims only when no lease has expired (checked in the same statement).
        case unlessLeasesExpired
        case always
    }

    /// A ``ClaimRoundStatement`` for these arguments.
    static func claimRoundStatement(
        completing claims: [ClaimFence], condition: ClaimCondition, worker: String, limit: Int, now: Int64,
        leaseExpiry: Int64
    ) -> ClaimRoundStatement {
        ClaimRoundStatement(
            ids: claims.map(\.id.rawValue), attempts: claims.map(\.attempt), now: now,
            claimEvenIfExpired: condition == .always, limit: limit, worker: worker, leaseExpiry: leaseExpiry)
    }
}

/// Claims up to `limit` due pending rows in priority order and, when it claims any, completes claims still held
/// (fenced by id, attempt and the row being claimed, as ``complete(_:)`` is), in one statement.
///
/// A claim *moves* its rows: `moved` deletes the pending rows `next` locked and the statement inserts them again, same
/// id, claimed (`OVERRIDING SYSTEM VALUE`: the identity column keeps its value). Why not an `UPDATE`: a claim that
/// meets a stale index entry of a row another round has just updated follows the row's update chain, locks its newest
/// version, and holds that lock until it commits (and waits there, whatever `SKIP LOCKED` says, when that version is
/// being deleted). With claims as updates, rounds would hold each other's fresh claims, and a completing `DELETE`
/// waiting for such a lock would deadlock with the round holding it (each deadlock costing PostgreSQL's
/// `deadlock_timeout`). A deleted row has no newer version to follow, so a round locks only pending rows, and the
/// completing `DELETE`, which waits only for whoever changes the claims it completes (their worker's heartbeat, a
/// rescue), cannot deadlock with another round.
///
/// The inserting statement is the statement itself, so its rows go straight to the client. The completed claims' ids
/// and attempts come back once, in the row of the lowest claimed id (NULL in the others). The completing `DELETE` runs
/// only when `next` locked rows to claim (`EXISTS (SELECT FROM next)`), so a round that claims nothing (returns no row)
/// has completed nothing either, and the caller completes those claims on their own. The claim is not a CTE joined
/// to the completed claims: that plan copies every claimed row into the CTE's tuplestore and again into the join's,
/// which costs more than the rows themselves.
///
/// `next` locks rows with `FOR UPDATE SKIP LOCKED`, so concurrent claims take different rows; a `DELETE ... WHERE id
/// IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)` could take more than n rows (PostgreSQL bug #15715). It reads
/// `queue_item_ready` in order and stops after `limit` rows, and `moved` takes every row it locked. The completing
/// delete and the claim touch different rows (claimed ones, pending ones), so neither sees the other's changes.
///
/// A prepared statement: every worker turn runs it, and planning it costs about a third of its execution time.
struct ClaimRoundStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow

    static let sql = """
        WITH next (claimable_id) AS (
            SELECT id FROM queue_item
            WHERE state = 'pending' AND due_at <= $3 AND ($4 OR NOT EXISTS (
                SELECT FROM queue_item WHERE state = 'claimed' AND lease_expires_at <= $3))
            ORDER BY debug DESC, due_at, id LIMIT $5
            FOR UPDATE SKIP LOCKED),
        done AS (
            DELETE FROM queue_item AS q
            USING unnest($1::bigint[], $2::bigint[]) AS c (id, attempt)
            WHERE q.id = c.id AND q.attempt = c.attempt AND q.lease_expires_at IS NOT NULL
                AND EXISTS (SELECT FROM next)
            RETURNING q.id, q.attempt),
        moved AS (
            DELETE FROM queue_item USING next WHERE id = claimable_id
            RETURNING \(StoredQueueItem.requestColumns), retry_base, attempt, coalesced, enqueued_at, due_at, last_error)
        INSERT INTO queue_item (\(StoredQueueItem.columns)) OVERRIDING SYSTEM VALUE
        SELECT \(StoredQueueItem.requestColumns), 'claimed', attempt + 1, retry_base, coalesced, enqueued_at, due_at,
            $7, $6, last_error
        FROM moved
        RETURNING \(ClaimedRow.columns),
            CASE WHEN id = (SELECT min(claimable_id) FROM next) THEN (SELECT array_agg(id) FROM done) END,
            CASE WHEN id = (SELECT min(claimable_id) FROM next) THEN (SELECT array_agg(attempt) FROM done) END
        """

    let ids: [Int64]
    let attempts: [Int]
    let now: Int64
    /// False: claims only when no lease has expired (checked in the same statement).
    let claimEvenIfExpired: Bool
    let limit: Int
    let worker: String
    let leaseExpiry: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 7)
        bindings.append(ids)
        bindings.append(attempts)
        bindings.append(now)
        bindings.append(claimEvenIfExpired)
        bindings.append(limit)
        bindings.append(worker)
        bindings.append(leaseExpiry)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// What one claim round did: the completed claims and the claimed rows (in no particular order: RETURNING has none).
struct ClaimRound: Sendable {
    /// Whether the round's completions were applied: only when it claimed rows (``ClaimRoundStatement``).
    var completionsRan = false
    var settled: Set<ClaimFence> = []
    var claimed: [ClaimedRow] = []

    /// The round of each of the parts that shared this one, whose limits were `limits`: every part sees all completed
    /// claims (each looks up only its own), and the claimed rows in priority order go to the parts in turn, each up
    /// to its limit, so a part earlier in the list is served first.
    func shared(by limits: [Int]) -> [ClaimRound] {
        guard limits.count > 1 else { return [self] }
        var rows = claimed.sorted(by: ClaimedRow.priorityOrder)[...]
        return limits.map { limit in
            defer { rows = rows.dropFirst(limit) }
            return ClaimRound(completionsRan: completionsRan, settled: settled, claimed: Array(rows.prefix(limit)))
        }
    }
}

extension PostgresConnection {
    /// Runs a ``ClaimRoundStatement``.
    func claimRound(_ statement: ClaimRoundStatement) async throws -> ClaimRound {
        var round = ClaimRound()
        var scopes = ScopeCache()
        for try await row in try await execute(statement, logger: Self.silent) {
            round.completionsRan = true
            var reader = CellReader(cells: row.makeIterator())
            round.claimed.append(try ClaimedRow(
                reading: &reader, scopes: &scopes, worker: statement.worker, leaseExpiresAt: statement.leaseExpiry))
            guard let idsCell = reader.cells.next(), let attemptsCell = reader.cells.next() else {
                throw PostgresQueueError(message: "a claim round's row has fewer columns than it selects")
            }
            // Only the row of the lowest claimed id carries the completed claims.
            if let ids = try idsCell.decode([Int64]?.self) {
                let attempts = try attemptsCell.decode([Int]?.self) ?? []
                round.settled = Set(zip(ids, attempts).map { ClaimFence(id: $0, attempt: $1) })
            }
        }
        return round
    }
}
