import HookQueue
import HookModel
import Testing

extension QueueContract {
    @Test("a heartbeat extends the lease of a held claim", arguments: QueueBackends.all)
    func heartbeat(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            try await queue.enqueue([Requests.product("1")])
            let claim = try await harness.claimOne()

            harness.clock.advance(by: .seconds(50))
            let beat = try await queue.heartbeat([claim], lease: .seconds(60))
            #expect(beat.lost.isEmpty && beat.renewed.map(\.id) == [claim.id])
            #expect(beat.renewed[0].leaseExpiresAt == harness.clock.later(by: .seconds(60)))
            #expect(try await queue.list(state: .claimed, limit: 1).first?.leaseExpiresAt == beat.renewed[0].leaseExpiresAt)

            harness.clock.advance(by: .seconds(50))  // past the first lease, within the renewed one
            #expect(try await queue.rescueExpiredLeases() == 0)
            #expect(try await harness.claim("other", limit: 1).isEmpty)
            try await queue.complete(beat.renewed[0])
            #expect(try await queue.stats().total == QueueCounts())
        }
    }

    @Test("an expired lease is rescued, and the old claim can no longer settle the request", arguments: QueueBackends.all)
    func rescueAndFencing(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let id = try await queue.enqueue([Requests.product("1")]).ids[0]
            let stale = try await harness.claimOne("slow")

            harness.clock.advance(by: .seconds(60))
            // The claim rescues first: an expired lease is a failed attempt, retried after the backoff (20 min).
            #expect(try await harness.claim("rescuer", limit: 1).isEmpty)
            let rescued = try #require(try await queue.list(state: .pending, limit: 1).first)
            #expect(rescued.id == id && rescued.dueAt == harness.clock.later(by: .seconds(1200)))
            #expect(rescued.lastError?.contains("lease") == true && rescued.lastError?.contains("slow") == true)

            await #expect(throws: TransferQueueError.leaseLost(id: id, attempt: 1)) { try await queue.complete(stale) }
            await #expect(throws: TransferQueueError.leaseLost(id: id, attempt: 1)) {
                try await queue.fail(stale, error: "late", retryAfter: nil)
            }
            await #expect(throws: TransferQueueError.leaseLost(id: id, attempt: 1)) { try await queue.release(stale) }
            #expect(try await queue.heartbeat([stale], lease: .seconds(60)).lost == [stale])

            harness.clock.advance(by: .seconds(1200))
            let fresh = try await harness.claimOne("rescuer")
            #expect(fresh.id == id && fresh.attempt == 2 && fresh.lastError == rescued.lastError)
            // The stale claim still cannot touch it, now that someone else holds it.
            let completion = try await queue.complete([stale, fresh])
            #expect(completion.completed == [id] && completion.lost == [stale])
        }
    }

    @Test("an expired lease on the last attempt dead-letters the request", arguments: QueueBackends.all)
    func rescueToDead(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend, policy: .table([.seconds(1)], maxAttempts: 1)) { harness in
            let queue = harness.queue
            try await queue.enqueue([Requests.product("1")])
            _ = try await queue.claim(worker: "w", limit: 1, lease: .seconds(10))
            harness.clock.advance(by: .seconds(11))
            #expect(try await queue.rescueExpiredLeases() == 1)
            let dead = try #require(try await queue.list(state: .dead, limit: 1).first)
            #expect(dead.attempt == 1 && dead.lastError?.contains("lease") == true && dead.leaseExpiresAt == nil)
        }
    }

    @Test("a released claim is claimable at once and its attempt does not count", arguments: QueueBackends.all)
    func release(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend, policy: .table([.seconds(5)], maxAttempts: 2)) { harness in
            let queue = harness.queue
            try await queue.enqueue([Requests.product("1")])
            let first = try await harness.claimOne("a")
            try await queue.release(first)
            let second = try await harness.claimOne("b")
            #expect(second.id == first.id && second.attempt == 2)
            await #expect(throws: TransferQueueError.leaseLost(id: first.id, attempt: 1)) { try await queue.complete(first) }

            // Two attempts are allowed; the released one was not one of them.
            #expect(try await queue.fail(second, error: "e1") == .retryScheduled(at: harness.clock.later(by: .seconds(5))))
            harness.clock.advance(by: .seconds(5))
            let third = try await harness.claimOne("b")
            #expect(try await queue.fail(third, error: "e2") == .deadLettered)
        }
    }
}
