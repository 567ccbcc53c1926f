import Foundation
import HookQueue
@testable import HookQueuePostgres
import HookModel
import PostgresNIO
import Synchronization
import Testing

@Suite("PostgreSQL queue")
struct PostgresQueueTests {
    @Test("handles opened at once on a fresh database migrate it exactly once")
    func concurrentFirstMigration() async throws {
        try await withDatabase { store, queues in
            let opened = try await withThrowingTaskGroup(of: PostgresTransferQueue.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await queues.open(store.configuration) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(opened.count == 8)

            let versions = try await TestPostgresServer.withConnection(to: store.configuration) { connection in
                try await connection.query("SELECT version FROM hookrules_schema_version ORDER BY version", logger: TestPostgresServer.logger)
                    .collect().map { try $0.decode(Int.self) }
            }
            #expect(versions == QueueSchema.migrations.map(\.version))
            // Every handle works on the one schema.
            for (n, queue) in opened.enumerated() { try await queue.enqueue([Requests.product("p\(n)")]) }
            #expect(try await opened[0].stats().total == QueueCounts(pending: 8))
        }
    }

    @Test("a database migrated by a newer build is refused with a readable error")
    func newerSchemaRefused() async throws {
        try await withDatabase { store, queues in
            _ = try await queues.open(store.configuration)
            try await TestPostgresServer.withConnection(to: store.configuration) { connection in
                try await connection.query(
                    "INSERT INTO hookrules_schema_version (version, name, applied_at) VALUES (99, 'future', 0)",
                    logger: TestPostgresServer.logger)
            }
            let error = await #expect(throws: PostgresQueueError.self) {
                _ = try await PostgresTransferQueue(configuration: store.configuration)
            }
            #expect(error?.description.contains("version 99, newer than this build knows (\(QueueSchema.migrations.count))") == true)
        }
    }

    @Test(
        "a waiter on one handle wakes when another handle, another process to the server, enqueues",
        .timeLimit(.minutes(1))
    )
    func notificationAcrossHandles() async throws {
        try await withDatabase { store, queues in
            let waiting = try await queues.open(store.configuration)
            let enqueuing = try await queues.open(store.configuration)

            // Only a notification can end this wait early: nothing is enqueued through `waiting`.
            let waiter = Task { try await waiting.waitForWork(timeout: .seconds(3600)) }
            let woke = Task {
                // The waiter may not be waiting yet when the first enqueue commits: enqueue until it wakes.
                for n in 0..<500 {
                    try await enqueuing.enqueue([Requests.product("n\(n)")])
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            try await waiter.value
            woke.cancel()
            _ = await woke.result
            #expect(try await waiting.stats().total.pending > 0)
        }
    }

    @Test("workers on several handles claiming at once never take the same request, and each claim counts once")
    func parallelClaimsAcrossHandles() async throws {
        try await withDatabase { store, queues in
            var opened: [PostgresTransferQueue] = []
            for _ in 0..<4 { opened.append(try await queues.open(store.configuration)) }
            var ids: [QueueItemID] = []
            for start in stride(from: 0, to: 2000, by: 500) {
                ids += try await opened[0].enqueue((start..<start + 500).map { Requests.product("p\($0)") }).ids
            }

            let claims = try await withThrowingTaskGroup(of: [ClaimedRequest].self) { group in
                for worker in 0..<12 {
                    let queue = opened[worker % opened.count]
                    group.addTask {
                        var mine: [ClaimedRequest] = []
                        while true {
                            let claimed = try await queue.claim(worker: "w\(worker)", limit: 1 + worker % 20, lease: .seconds(600))
                            if claimed.isEmpty { return mine }
                            mine += claimed
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claims.count == ids.count)
            #expect(Set(claims.map(\.id)) == Set(ids))
            #expect(claims.allSatisfy { $0.attempt == 1 })
            // Every claim is still held by the one worker that got it.
            let completed = try await opened[1].complete(claims)
            #expect(completed.lost.isEmpty && completed.completed.count == ids.count)
        }
    }

    @Test("enqueues of the same keys in opposite orders all succeed (a deadlock runs the transaction again)")
    func oppositeOrderEnqueues() async throws {
        try await withDatabase { store, queues in
            let first = try await queues.open(store.configuration)
            let second = try await queues.open(store.configuration)
            let keys = (0..<50).map { Requests.product("k\($0)") }
            for _ in 0..<10 {
                async let forward = first.enqueue(keys)
                async let backward = second.enqueue(keys.reversed())
                _ = try await (forward, backward)
            }
            let pending = try await first.list(state: .pending, limit: 100)
            #expect(pending.count == 50 && pending.allSatisfy { $0.coalesced == 19 })
        }
    }

    @Test("queues in different schemas of one database are independent")
    func schemas() async throws {
        try await withDatabase { store, queues in
            var tenantA = store.configuration
            tenantA.schema = "tenant_a"
            var tenantB = store.configuration
            tenantB.schema = "tenant_b"
            let a = try await queues.open(tenantA)
            let b = try await queues.open(tenantB)

            try await a.enqueue(Requests.products(3))
            try await b.enqueue([Requests.product("p1")])
            #expect(try await a.stats().total == QueueCounts(pending: 3))
            #expect(try await b.stats().total == QueueCounts(pending: 1))
            #expect(a.notificationChannel != b.notificationChannel)

            var invalid = store.configuration
            invalid.schema = "Robert'); DROP TABLE queue_item; --"
            await #expect(throws: TransferQueueError.self) { _ = try await PostgresTransferQueue(configuration: invalid) }
        }
    }

    @Test("completing claims finds them by primary key, not through the lease index, once statistics are gathered")
    func completionReadsThePrimaryKey() async throws {
        try await withDatabase { store, queues in
            let queue = try await queues.open(store.configuration)
            try await queue.enqueue(Requests.products(20_000))
            let claims = try await queue.claim(worker: "w", limit: 50, lease: .seconds(60))
            let round = PostgresTransferQueue.claimRoundStatement(
                completing: claims.map(ClaimFence.init), condition: .always, worker: "w", limit: 50, now: 0, leaseExpiry: 1)
            let plan = try await TestPostgresServer.withConnection(to: store.configuration) { connection in
                // With these statistics (few claimed rows), `state = 'claimed'` by id was planned as a bitmap scan of
                // the lease index: cheap on paper, slow once the index is full of dead entries.
                try await connection.query("ANALYZE queue_item", logger: TestPostgresServer.logger)
                return try await connection.query(
                    PostgresQuery(unsafeSQL: "EXPLAIN " + ClaimRoundStatement.sql, binds: try round.makeBindings()), logger: TestPostgresServer.logger
                ).collect().map { try $0.decode(String.self) }.joined(separator: "\n")
            }
            // A CTE's subtree: the lines after "CTE name" indented deeper than it.
            let lines = plan.split(separator: "\n")
            let indent = { (line: Substring) in line.prefix { $0 == " " }.count }
            func cte(_ name: String) throws -> String {
                let start = try #require(lines.firstIndex { $0.hasSuffix("CTE \(name)") }, "\(plan)")
                return lines[(start + 1)...].prefix { indent($0) > indent(lines[start]) }.joined(separator: "\n")
            }
            let delete = try cte("done"), moved = try cte("moved")
            #expect(delete.contains("Delete on queue_item q") && delete.contains("queue_item_pkey on queue_item q"), "\(plan)")
            #expect(moved.contains("Delete on queue_item") && moved.contains("queue_item_pkey on queue_item"), "\(plan)")
            #expect(!delete.contains("queue_item_lease") && !moved.contains("queue_item_lease"), "\(plan)")
        }
    }

    @Test("a claim round that claims nothing completes nothing, so its caller can complete on its own")
    func emptyRoundCompletesNothing() async throws {
        try await withDatabase { store, queues in
            let queue = try await queues.open(store.configuration)
            try await queue.enqueue(Requests.products(2))
            let held = try await queue.claim(worker: "w", limit: 2, lease: .seconds(60))
            let now = Microseconds.of(TestClock().now())
            let statement = PostgresTransferQueue.claimRoundStatement(
                completing: held.map(ClaimFence.init), condition: .always, worker: "w", limit: 5, now: now, leaseExpiry: now + 60_000_000)
            let round = try await TestPostgresServer.withConnection(to: store.configuration) { connection in
                try await connection.claimRound(statement)
            }
            #expect(!round.completionsRan && round.claimed.isEmpty && round.settled.isEmpty)
            #expect(try await queue.stats().total == QueueCounts(claimed: 2))
            #expect(try await queue.complete(held.map { Completion($0) }).completed == held.map(\.id))
        }
    }

    @Test("a claim that meets rows another claim took after it began does not lock them (claims move rows)")
    func staleClaimLocksNothing() async throws {
        try await withDatabase { store, queues in
            let queue = try await queues.open(store.configuration)
            let ids = try await queue.enqueue(Requests.products(3)).ids
            let claimed = try await TestPostgresServer.withConnection(to: store.configuration) { stale in
                // A claim's scan whose snapshot predates the claim below: a cursor keeps the snapshot it opened with.
                try await stale.query("BEGIN", logger: TestPostgresServer.logger)
                try await stale.query("""
                    DECLARE scan CURSOR FOR SELECT id FROM queue_item WHERE state = 'pending'
                    ORDER BY debug DESC, due_at, id FOR UPDATE SKIP LOCKED
                    """, logger: TestPostgresServer.logger)
                let claimed = try await queue.claim(worker: "w", limit: 2, lease: .seconds(60))
                #expect(claimed.map(\.id) == Array(ids[0..<2]))
                let seen = try await stale.query("FETCH ALL FROM scan", logger: TestPostgresServer.logger)
                    .collect().map { try $0.decode(Int64.self) }
                #expect(seen == [ids[2].rawValue])
                // Had the claim updated the rows in place, the scan would have locked their claimed versions (following
                // the update chain) until it ends, and completing them would wait for it.
                let lockable = try await TestPostgresServer.withConnection(to: store.configuration) { other in
                    try await other.query("SET lock_timeout = '5s'", logger: TestPostgresServer.logger)
                    return try await other.query("""
                        SELECT id FROM queue_item WHERE id = ANY(\(claimed.map(\.id.rawValue))) FOR UPDATE NOWAIT
                        """, logger: TestPostgresServer.logger).collect().count
                }
                #expect(lockable == 2)
                try await stale.query("ROLLBACK", logger: TestPostgresServer.logger)
                return claimed
            }
            #expect(try await queue.complete(claimed.map { Completion($0) }).lost.isEmpty)
        }
    }

    @Test("a shared claim round's rows go to its parts in priority order, each up to its limit; all see the completions")
    func sharedRoundSplit() async throws {
        try await withDatabase { store, queues in
            let queue = try await queues.open(store.configuration)
            try await queue.enqueue(Requests.products(6) + [Requests.product("urgent", debug: true)])
            let held = try await queue.claim(worker: "w", limit: 2, lease: .seconds(60))
            #expect(held.map(\.request.externalId) == ["urgent", "p1"])
            let now = Microseconds.of(TestClock().now())
            let statement = PostgresTransferQueue.claimRoundStatement(
                completing: held.map(ClaimFence.init), condition: .always, worker: "w", limit: 6, now: now, leaseExpiry: now + 60_000_000)
            let round = try await TestPostgresServer.withConnection(to: store.configuration) { connection in
                try await connection.claimRound(statement)
            }
            let parts = round.shared(by: [2, 3, 4])
            #expect(parts.map { ClaimedRow.inPriorityOrder($0.claimed).map(\.request.externalId) }
                == [["p2", "p3"], ["p4", "p5", "p6"], []])
            #expect(parts.allSatisfy { $0.completionsRan && $0.settled == Set(held.map(ClaimFence.init)) })
            #expect(round.shared(by: [6]).first?.claimed.count == 5)
        }
    }

    @Test("one worker's concurrent callers share claim rounds; each gets its own claims under its worker's name and lease")
    func sharedClaimRounds() async throws {
        try await withDatabase { store, _ in
            let clock = TestClock()
            let queue = try await PostgresTransferQueue(configuration: store.configuration, clock: clock)
            func drain() async throws {
                try await queue.enqueue(Requests.products(600))
                // Two workers of eight callers each (slots of two processes), with leases of their own.
                let callers = 16
                func worker(_ caller: Int) -> (name: String, lease: Duration) {
                    ("w\(caller % 2)", .seconds(60 + caller % 2))
                }
                let taken = try await withThrowingTaskGroup(of: [QueueItemID].self) { group in
                    for caller in 0..<callers {
                        group.addTask {
                            let (name, lease) = worker(caller)
                            var held: [ClaimedRequest] = []
                            var completed: [QueueItemID] = []
                            repeat {
                                let (result, claimed) = try await queue.completeAndClaim(
                                    held.map { Completion($0) }, worker: name, limit: 5, lease: lease)
                                #expect(result.lost.isEmpty && result.completed == held.map(\.id))
                                #expect(claimed.count <= 5)
                                #expect(claimed.allSatisfy { $0.worker == name && $0.leaseExpiresAt == clock.later(by: lease) })
                                // The rows say the same as the claims.
                                let stored = try await queue.list(state: .claimed, limit: 1000)
                                for claim in claimed {
                                    let row = stored.first { $0.id == claim.id }
                                    #expect(row?.worker == name && row?.leaseExpiresAt == claim.leaseExpiresAt && row?.attempt == claim.attempt)
                                }
                                completed += result.completed
                                held = claimed
                            } while !held.isEmpty
                            return completed
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(taken.count == 600 && Set(taken).count == 600)
                #expect(try await queue.stats().total == QueueCounts())
                #expect(queue.claimRounds.sharedRounds > 0)
            }
            let outcome: Result<Void, any Error>
            do {
                try await drain()
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            try await queue.close()
            try outcome.get()
        }
    }

    @Test("a server error reads as the server's message with its SQLSTATE")
    func readableErrors() async throws {
        try await withDatabase { store, queues in
            let queue = try await queues.open(store.configuration)
            let error = await #expect(throws: PostgresQueueError.self) {
                try await queue.enqueue([], checkpoint: ImportCheckpoint(key: "k", rowsDone: -1, requestsEnqueued: 0))
            }
            #expect(error?.sqlState == "23514")
            #expect(error?.description.contains("import_checkpoint") == true)
        }

        var unreachable = try TestPostgresServer.configuration()
        unreachable.port = 1  // nothing listens there
        let error = await #expect(throws: PostgresQueueError.self) {
            _ = try await PostgresTransferQueue(configuration: unreachable)
        }
        #expect(error?.description.contains("connect") == true, "\(String(describing: error))")
    }

    @Test("connection URLs", arguments: [
        ("postgres://hookrules@127.0.0.1:5433/queue", "postgres://hookrules@127.0.0.1:5433/queue?sslmode=disable"),
        ("postgresql://u:p%40ss@db.example.com/q?schema=tenant_1", "postgres://u@db.example.com:5432/q?schema=tenant_1&sslmode=require"),
        ("postgres://u@localhost/q?sslmode=prefer", "postgres://u@localhost:5432/q?sslmode=prefer"),
    ])
    func urls(url: String, redacted: String) throws {
        let configuration = try PostgresQueueConfiguration(url: url)
        #expect(configuration.redactedURL == redacted)
        if url.contains("p%40ss") { #expect(configuration.password == "p@ss") }
    }

    @Test("malformed connection URLs are refused", arguments: [
        "mysql://u@h/d", "postgres://h/d", "postgres://u@h", "postgres://u@h/d?sslmode=maybe", "postgres://u@h/d?x=1",
    ])
    func badURLs(url: String) {
        #expect(throws: TransferQueueError.self) { try PostgresQueueConfiguration(url: url) }
    }

    /// A fresh database, and the queues the test opens on it: closed, then the database dropped, at the end.
    private func withDatabase(_ body: (PostgresStore, OpenedQueues) async throws -> Void) async throws {
        let store = try await PostgresStore()
        let queues = OpenedQueues()
        let outcome: Result<Void, any Error>
        do {
            try await body(store, queues)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try await queues.closeAll()
        try await store.remove()
        try outcome.get()
    }
}

/// The queue handles one test opened, each with a test clock; closed together when it ends.
final class OpenedQueues: Sendable {
    private let queues = Mutex<[PostgresTransferQueue]>([])

    func open(_ configuration: PostgresQueueConfiguration) async throws -> PostgresTransferQueue {
        let queue = try await PostgresTransferQueue(configuration: configuration, clock: TestClock())
        queues.withLock { $0.append(queue) }
        return queue
    }

    func closeAll() async throws {
        for queue in queues.withLock({ $0 }) { try await queue.close() }
    }
}
