import Foundation
import HookModel

/// The durable dispatch queue every TransferRequest goes through, whatever stores it.
///
/// Each backend (SQLite in `HookQueueSQLite`, PostgreSQL in `HookQueuePostgres`) implements these semantics
/// exactly; the contract test suite in `Tests/HookQueueTests` runs against every backend to prove it. In short:
///
/// - **Enqueue** a batch in one transaction; a request is accepted only once that transaction is durably committed.
///   A request equal to one still pending (same subscription, scope, externalId and direction) is merged into it
///   instead of queued twice: its count goes up, the newest request's other fields win, and the debug flag is
///   OR-ed (a debug request also moves it to the front). A request equal to a claimed one is queued anew.
/// - **Claim** hands out pending, due requests, debug ones first, then by due time and enqueue order, each under a
///   lease. Every claim increments the request's attempt; the attempt is the claim's fencing token.
/// - **Settle** a claim with ``heartbeat(_:lease:)``, ``complete(_:)``, ``fail(_:error:retryAfter:)`` or
///   ``release(_:)``. Each is fenced by (id, attempt, claimed): once a lease expired and the request was rescued or
///   re-claimed, the old claim can no longer touch it (``TransferQueueError/leaseLost(id:attempt:)``).
/// - **Retry** failed requests after the ``RetryPolicy``'s backoff or the processor's Retry-After; after
///   ``RetryPolicy/maxAttempts`` attempts a request is dead-lettered with its last error, until ``retryDead(_:)``.
///
/// Every time the queue compares or stores comes from the ``QueueClock`` it was opened with, never from the
/// database server, so tests control time completely.
public protocol TransferQueue: Sendable {
    /// Accepts a batch in one durable transaction. Returns after the commit; on a throw nothing was accepted.
    /// When `checkpoint` is given it is stored (replacing the import's previous one) in the same transaction.
    @discardableResult
    func enqueue(_ requests: [TransferRequest], checkpoint: ImportCheckpoint?) async throws -> EnqueueReceipt

    /// The last checkpoint stored for the import `key`, or nil when none was.
    func checkpoint(forImport key: String) async throws -> ImportCheckpoint?

    /// Forgets the import `key`'s checkpoint, so the next run starts from its first row again.
    func removeCheckpoint(forImport key: String) async throws

    /// Claims up to `limit` due requests for `worker`, each leased until now + `lease`. Rescues expired leases first
    /// (as ``rescueExpiredLeases()`` does), in the same transaction. Returns them in priority order.
    func claim(worker: String, limit: Int, lease: Duration) async throws -> [ClaimedRequest]

    /// Extends the leases of the claims the caller still holds to now + `lease`.
    func heartbeat(_ claims: [ClaimedRequest], lease: Duration) async throws -> HeartbeatResult

    /// Removes the requests of the claims still held and enqueues their follow-ups, in one transaction: they are
    /// done. A lost claim's follow-ups are dropped with it (whoever holds the request now will make them).
    func complete(_ completions: [Completion]) async throws -> CompletionResult

    /// One turn of a worker's loop: completes `completions` as ``complete(_:)`` does, then claims up to `limit` due
    /// requests for `worker` as ``claim(worker:limit:lease:)`` does. A backend may do both in one round trip and one
    /// commit (PostgreSQL does, when no completion has follow-ups); the default runs one after the other. When it
    /// throws, the completions may have been committed all the same.
    func completeAndClaim(
        _ completions: [Completion], worker: String, limit: Int, lease: Duration
    ) async throws -> (completed: CompletionResult, claimed: [ClaimedRequest])

    /// Records a failed attempt: the request is retried after `retryAfter` when given (a processor's Retry-After),
    /// else after the policy's backoff, or dead-lettered with `error` once its attempts are used up.
    /// - Throws: ``TransferQueueError/leaseLost(id:attempt:)`` when the claim is no longer held.
    @discardableResult
    func fail(_ claim: ClaimedRequest, error: String, retryAfter: Duration?) async throws -> FailureOutcome

    /// Dead-letters a claim at once with `error`, whatever attempts it has left: the processor knows retrying
    /// cannot help (the target refused the request itself, e.g. HTTP 4xx).
    /// - Throws: ``TransferQueueError/leaseLost(id:attempt:)`` when the claim is no longer held.
    func deadLetter(_ claim: ClaimedRequest, error: String) async throws

    /// Gives a claim back unprocessed (a worker shutting down): pending again, due now, and the attempt does not
    /// count against ``RetryPolicy/maxAttempts``.
    /// - Throws: ``TransferQueueError/leaseLost(id:attempt:)`` when the claim is no longer held.
    func release(_ claim: ClaimedRequest) async throws

    /// Puts dead-lettered requests back to pending, due now, with a fresh set of attempts. Returns how many.
    @discardableResult
    func retryDead(_ selection: DeadLetterSelection) async throws -> Int

    /// Returns every claim whose lease has expired to pending (after the policy's backoff) or, when its attempts are
    /// used up, to the dead letter. Returns how many claims were rescued.
    @discardableResult
    func rescueExpiredLeases() async throws -> Int

    /// Counts by state, by scope and by subscription.
    func stats() async throws -> QueueStats

    /// Up to `limit` entries in `state` (all states when nil). Pending ones in priority order (debug first, then due
    /// time and enqueue order), the others by id.
    func list(state: QueueState?, limit: Int) async throws -> [QueueEntry]

    /// Returns once requests may have become claimable through this queue (an enqueue, a retry, a release; on a
    /// backend with notifications also from other processes), or after `timeout`, whichever comes first. Workers
    /// call it when a claim came back empty; it is only a hint, so a spurious return costs one empty claim.
    func waitForWork(timeout: Duration) async throws

    /// Closes the backend's connections; closing twice does nothing. The queue must not be used afterwards.
    func close() async throws

    /// Checks that the database answers, on a connection of its own where the backend keeps a pool (a pool waiting
    /// to reconnect says nothing for a long while): returns when it answers, throws why it does not — the server's
    /// own message, or the connection's failure. A readiness probe calls it, and a worker whose call is slow to
    /// answer calls it to learn whether the database is gone.
    func probe() async throws

    /// Whether `error`, thrown by one of this queue's calls, means the database is out of reach or out of room for
    /// now (a lost connection, a server restarting, a full disk) rather than that the call itself cannot succeed: the
    /// same call may succeed later, so a worker waits and tries again instead of stopping (``QueueHealth``). The
    /// queue's own refusals (``TransferQueueError``) are never outages.
    func isOutage(_ error: any Error) -> Bool
}

extension TransferQueue {
    /// Accepts a batch in one durable transaction (see ``enqueue(_:checkpoint:)``).
    @discardableResult
    public func enqueue(_ requests: [TransferRequest]) async throws -> EnqueueReceipt {
        try await enqueue(requests, checkpoint: nil)
    }

    /// Removes the requests of the claims still held, in one transaction, with no follow-ups.
    public func complete(_ claims: [ClaimedRequest]) async throws -> CompletionResult {
        try await complete(claims.map { Completion($0) })
    }

    /// Completes, then claims (see the requirement's documentation): the two calls one after the other.
    public func completeAndClaim(
        _ completions: [Completion], worker: String, limit: Int, lease: Duration
    ) async throws -> (completed: CompletionResult, claimed: [ClaimedRequest]) {
        let completed = try await complete(completions)
        return (completed, try await claim(worker: worker, limit: limit, lease: lease))
    }

    /// Completes one claim.
    /// - Throws: ``TransferQueueError/leaseLost(id:attempt:)`` when the claim is no longer held.
    public func complete(_ claim: ClaimedRequest) async throws {
        let result = try await complete([claim])
        if let lost = result.lost.first { throw TransferQueueError.leaseLost(id: lost.id, attempt: lost.attempt) }
    }

    /// Records a failed attempt with the policy's backoff.
    @discardableResult
    public func fail(_ claim: ClaimedRequest, error: String) async throws -> FailureOutcome {
        try await fail(claim, error: error, retryAfter: nil)
    }
}
