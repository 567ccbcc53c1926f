import HookQueue
import HookModel
import Synchronization

/// A real queue (SQLite) behind a switch that takes its database "down": while down, every call fails with an outage
/// error before it reaches the database, as a lost connection would; calls that hang are not modelled here (the
/// PostgreSQL outage tests cover them). It also records each heartbeat: when, and for which claims.
final class FaultyQueue: TransferQueue {
    struct Outage: Error, CustomStringConvertible {
        var description: String { "the database is down (injected)" }
    }

    let inner: any TransferQueue
    private let down = Mutex(false)
    private let failures = Mutex(0)
    private let beats = Mutex<[(at: ContinuousClock.Instant, ids: [QueueItemID])]>([])

    init(_ inner: any TransferQueue) {
        self.inner = inner
    }

    func takeDown() { down.withLock { $0 = true } }
    func bringBack() { down.withLock { $0 = false } }

    /// Every heartbeat that reached the database.
    var heartbeats: [(at: ContinuousClock.Instant, ids: [QueueItemID])] { beats.withLock { $0 } }

    /// How many calls failed because the database was down.
    var injectedFailures: Int { failures.withLock { $0 } }

    private func reach() throws {
        guard down.withLock({ $0 }) else { return }
        failures.withLock { $0 += 1 }
        throw Outage()
    }

    func enqueue(_ requests: [TransferRequest], checkpoint: ImportCheckpoint?) async throws -> EnqueueReceipt {
        try reach()
        return try await inner.enqueue(requests, checkpoint: checkpoint)
    }

    func checkpoint(forImport key: String) async throws -> ImportCheckpoint? {
        try reach()
        return try await inner.checkpoint(forImport: key)
    }

    func removeCheckpoint(forImport key: String) async throws {
        try reach()
        try await inner.removeCheckpoint(forImport: key)
    }

    func claim(worker: String, limit: Int, lease: Duration) async throws -> [ClaimedRequest] {
        try reach()
        return try await inner.claim(worker: worker, limit: limit, lease: lease)
    }

    func heartbeat(_ claims: [ClaimedRequest], lease: Duration) async throws -> HeartbeatResult {
        try reach()
        beats.withLock { $0.append((.now, claims.map(\.id))) }
        return try await inner.heartbeat(claims, lease: lease)
    }

    func complete(_ completions: [Completion]) async throws -> CompletionResult {
        try reach()
        return try await inner.complete(completions)
    }

    func fail(_ claim: ClaimedRequest, error: String, retryAfter: Duration?) async throws -> FailureOutcome {
        try reach()
        return try await inner.fail(claim, error: error, retryAfter: retryAfter)
    }

    func deadLetter(_ claim: ClaimedRequest, error: String) async throws {
        try reach()
        try await inner.deadLetter(claim, error: error)
    }

    func release(_ claim: ClaimedRequest) async throws {
        try reach()
        try await inner.release(claim)
    }

    func retryDead(_ selection: DeadLetterSelection) async throws -> Int {
        try reach()
        return try await inner.retryDead(selection)
    }

    func rescueExpiredLeases() async throws -> Int {
        try reach()
        return try await inner.rescueExpiredLeases()
    }

    func stats() async throws -> QueueStats {
        try reach()
        return try await inner.stats()
    }

    func list(state: QueueState?, limit: Int) async throws -> [QueueEntry] {
        try reach()
        return try await inner.list(state: state, limit: limit)
    }

    func waitForWork(timeout: Duration) async throws {
        try await inner.waitForWork(timeout: timeout)
    }

    func close() async throws {
        try await inner.close()
    }

    func probe() async throws {
        try reach()
        try await inner.probe()
    }

    func isOutage(_ error: any Error) -> Bool {
        error is Outage || inner.isOutage(error)
    }
}
