import HookQueue
import HookModel
import Testing

extension QueueContract {
    @Test("an import checkpoint is stored with its batch, replaced by the next, and forgotten on request", arguments: QueueBackends.all)
    func importCheckpoint(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            #expect(try await queue.checkpoint(forImport: "file-a") == nil)

            let first = ImportCheckpoint(key: "file-a", rowsDone: 100, requestsEnqueued: 98)
            try await queue.enqueue(Requests.products(98), checkpoint: first)
            #expect(try await queue.checkpoint(forImport: "file-a") == first)

            // A batch of only skipped rows still moves the checkpoint.
            let second = ImportCheckpoint(key: "file-a", rowsDone: 103, requestsEnqueued: 98)
            try await queue.enqueue([], checkpoint: second)
            #expect(try await queue.checkpoint(forImport: "file-a") == second)
            #expect(try await queue.checkpoint(forImport: "file-b") == nil)

            // Another handle (another process) sees it.
            let other = try await harness.openAnother()
            #expect(try await other.checkpoint(forImport: "file-a") == second)

            try await queue.removeCheckpoint(forImport: "file-a")
            #expect(try await queue.checkpoint(forImport: "file-a") == nil)
            #expect(try await queue.stats().total == QueueCounts(pending: 98))
        }
    }

    @Test("a batch that fails to commit leaves its checkpoint where it was", arguments: QueueBackends.all)
    func checkpointRollsBackWithBatch(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let before = ImportCheckpoint(key: "k", rowsDone: 1, requestsEnqueued: 1)
            try await queue.enqueue([Requests.product("1")], checkpoint: before)
            // A negative row count violates the table's check, so the whole transaction rolls back.
            await #expect(throws: (any Error).self) {
                try await queue.enqueue(
                    [Requests.product("2")], checkpoint: ImportCheckpoint(key: "k", rowsDone: -1, requestsEnqueued: 2)
                )
            }
            #expect(try await queue.checkpoint(forImport: "k") == before)
            #expect(try await queue.list(state: .pending, limit: 10).map(\.request.externalId) == ["1"])
        }
    }

    @Test("completing a held claim enqueues its follow-ups; a lost claim's follow-ups are dropped", arguments: QueueBackends.all)
    func completionFollowUps(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            try await queue.enqueue([Requests.product("1"), Requests.product("2")])
            let claims = try await harness.claim("w", limit: 2)
            #expect(claims.count == 2)

            // The second claim is lost: its lease expires and the request is rescued.
            _ = try await queue.heartbeat([claims[0]], lease: .seconds(600))
            harness.clock.advance(by: .seconds(61))
            #expect(try await queue.rescueExpiredLeases() == 1)

            let fanOut = [
                Requests.product("1", subscription: "crm-1", direction: .from),
                Requests.product("1", subscription: "erp-1", direction: .from),
            ]
            let result = try await queue.complete([
                Completion(claims[0], followUps: fanOut),
                Completion(claims[1], followUps: [Requests.product("2", subscription: "crm-1", direction: .from)]),
            ])
            #expect(result.completed == [claims[0].id] && result.lost == [claims[1]])

            let pending = try await queue.list(state: .pending, limit: 10).map(\.request)
            #expect(Set(pending) == Set(fanOut + [Requests.product("2")]))
        }
    }

    @Test(
        "waiting for work returns on an enqueue through the same handle, else after the timeout",
        .timeLimit(.minutes(1)), arguments: QueueBackends.all
    )
    func waitForWork(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            // Nothing happens: the wait ends by its timeout (a short one; no timing is asserted).
            try await queue.waitForWork(timeout: .milliseconds(10))

            // An enqueue wakes a waiter that would otherwise wait an hour.
            let waiter = Task { try await queue.waitForWork(timeout: .seconds(3600)) }
            let woke = Task {
                for _ in 0..<200 {
                    try await queue.enqueue([Requests.product("\(Int.random(in: 0..<1_000_000))")])
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            try await waiter.value
            woke.cancel()
            _ = await woke.result
            #expect(try await queue.stats().total.pending > 0)
        }
    }
}
