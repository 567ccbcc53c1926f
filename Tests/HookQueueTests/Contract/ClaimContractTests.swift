import HookQueue
import HookModel
import Testing

extension QueueContract {
    @Test("debug requests first, then by due time and enqueue order", arguments: QueueBackends.all)
    func priority(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let n1 = try await queue.enqueue([Requests.product("n1")]).ids[0]
            harness.clock.advance(by: .seconds(1))
            let ids = try await queue.enqueue([
                Requests.product("n2"), Requests.product("d1", debug: true), Requests.product("n3"),
                Requests.product("d2", debug: true),
            ]).ids
            let claims = try await harness.claim()
            #expect(claims.map(\.id) == [ids[1], ids[3], n1, ids[0], ids[2]])
        }
    }

    @Test("a request waiting for its retry is not claimed before it is due, debug or not", arguments: QueueBackends.all)
    func dueTime(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend, policy: .table([.seconds(30)], maxAttempts: 5)) { harness in
            let queue = harness.queue
            try await queue.enqueue([Requests.product("d", debug: true)])
            let claim = try await harness.claimOne()
            _ = try await queue.fail(claim, error: "boom")
            try await queue.enqueue([Requests.product("n")])

            #expect(try await harness.claim().map(\.request.externalId) == ["n"])
            harness.clock.advance(by: .seconds(30))
            #expect(try await harness.claim().map(\.request.externalId) == ["d"])
        }
    }

    @Test("a claim takes at most its limit, and never what another claim holds", arguments: QueueBackends.all)
    func claimLimit(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let ids = try await queue.enqueue(Requests.products(10)).ids
            let first = try await harness.claim("a", limit: 3)
            let second = try await harness.claim("b", limit: 3)
            let rest = try await harness.claim("c", limit: 100)
            #expect(first.map(\.id) == Array(ids[0..<3]))
            #expect(second.map(\.id) == Array(ids[3..<6]))
            #expect(rest.map(\.id) == Array(ids[6...]))
            #expect((first + second + rest).allSatisfy { $0.attempt == 1 })
            #expect(try await harness.claim("d", limit: 5).isEmpty)
            #expect(try await queue.stats().total == QueueCounts(claimed: 10))

            await #expect(throws: TransferQueueError.self) { try await queue.claim(worker: "e", limit: 0, lease: .seconds(1)) }
            await #expect(throws: TransferQueueError.self) { try await queue.claim(worker: "e", limit: 1, lease: .zero) }
        }
    }

    @Test("complete removes a request; its id is never given to another", arguments: QueueBackends.all)
    func completeRemoves(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let id = try await queue.enqueue([Requests.product("1")]).ids[0]
            let claim = try await harness.claimOne()
            try await queue.complete(claim)
            #expect(try await queue.stats().total == QueueCounts())
            await #expect(throws: TransferQueueError.leaseLost(id: id, attempt: 1)) { try await queue.complete(claim) }

            let next = try await queue.enqueue([Requests.product("1")]).ids[0]
            #expect(next > id)
        }
    }

    @Test(
        "complete-and-claim completes the held claims, reports the lost ones, rescues, then claims in priority order",
        arguments: QueueBackends.all
    )
    func completeAndClaim(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let ids = try await queue.enqueue(Requests.products(5)).ids
            let first = try await harness.claim("w", limit: 2)
            _ = try await queue.heartbeat([first[0]], lease: .seconds(600))
            harness.clock.advance(by: .seconds(61))
            #expect(try await queue.rescueExpiredLeases() == 1)  // the second claim is lost

            let round = try await queue.completeAndClaim(first.map { Completion($0) }, worker: "w", limit: 2, lease: .seconds(60))
            #expect(round.completed.completed == [ids[0]] && round.completed.lost == [first[1]])
            #expect(round.claimed.map(\.id) == [ids[2], ids[3]])
            #expect(round.claimed.allSatisfy { $0.worker == "w" && $0.leaseExpiresAt == harness.clock.later(by: .seconds(60)) })

            // Both leases expire; the first claim still completes (no one rescued it yet), the second is rescued
            // before the claim, as claim(worker:limit:lease:) does.
            harness.clock.advance(by: .seconds(61))
            let second = try await queue.completeAndClaim([Completion(round.claimed[0])], worker: "w", limit: 10, lease: .seconds(60))
            #expect(second.completed.completed == [ids[2]] && second.completed.lost.isEmpty)
            #expect(second.claimed.map(\.id) == [ids[4]])
            let rescued = try await queue.list(state: .pending, limit: 10)
            #expect(rescued.map(\.id) == [ids[1], ids[3]] && rescued.allSatisfy { $0.lastError?.contains("lease") == true })

            // Follow-ups are enqueued with the completion, so the claim that follows can take them.
            let followUp = Requests.product("p5", subscription: "crm-1", direction: .from)
            let third = try await queue.completeAndClaim(
                [Completion(second.claimed[0], followUps: [followUp])], worker: "w", limit: 10, lease: .seconds(60))
            #expect(third.completed.completed == [ids[4]])
            #expect(third.claimed.map(\.request) == [followUp])
            #expect(try await queue.stats().total == QueueCounts(pending: 2, claimed: 1))

            await #expect(throws: TransferQueueError.self) {
                try await queue.completeAndClaim([], worker: "w", limit: 0, lease: .seconds(1))
            }
        }
    }

    @Test(
        "complete-and-claim with nothing left to claim still completes the held claims and reports the lost ones",
        arguments: QueueBackends.all
    )
    func completeAndClaimOnDrainedQueue(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let ids = try await queue.enqueue(Requests.products(3)).ids
            let held = try await harness.claim("w", limit: 3)
            try await queue.deadLetter(held[2], error: "rejected")  // the third claim is lost

            let round = try await queue.completeAndClaim(held.map { Completion($0) }, worker: "w", limit: 3, lease: .seconds(60))
            #expect(round.completed.completed == [ids[0], ids[1]] && round.completed.lost == [held[2]])
            #expect(round.claimed.isEmpty)
            #expect(try await queue.stats().total == QueueCounts(dead: 1))
        }
    }
}
