import HookQueue
import HookModel
import Testing

extension QueueContract {
    @Test("failed attempts wait 10·a·(a+1) minutes by default", arguments: QueueBackends.all)
    func defaultBackoff(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let id = try await queue.enqueue([Requests.product("1")]).ids[0]
            for (attempt, minutes) in [(1, 20), (2, 60), (3, 120)] {
                let claim = try await harness.claimOne()
                #expect(claim.id == id && claim.attempt == attempt)
                let due = harness.clock.later(by: .seconds(60 * minutes))
                #expect(try await queue.fail(claim, error: "e\(attempt)") == .retryScheduled(at: due))
                #expect(try await queue.list(state: .pending, limit: 1).first?.dueAt == due)

                harness.clock.advance(by: .seconds(60 * minutes - 1))
                #expect(try await harness.claim(limit: 1).isEmpty)
                harness.clock.advance(by: .seconds(1))
            }
            #expect(try await harness.claim(limit: 1).first?.lastError == "e3")
        }
    }

    @Test("the platform backoff and a table policy", arguments: [1, 2, 3, 9])
    func policies(attempt: Int) {
        #expect(RetryPolicy.standard.backoff(attempt) == .seconds(600 * attempt * (attempt + 1)))
        let table = RetryPolicy.table([.seconds(1), .seconds(5)], maxAttempts: 4)
        #expect(table.backoff(attempt) == (attempt == 1 ? .seconds(1) : .seconds(5)))
    }

    @Test("a processor's Retry-After replaces the backoff", arguments: QueueBackends.all)
    func retryAfter(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            try await queue.enqueue([Requests.product("1")])
            let claim = try await harness.claimOne()
            let outcome = try await queue.fail(claim, error: "429", retryAfter: .seconds(30))
            #expect(outcome == .retryScheduled(at: harness.clock.later(by: .seconds(30))))

            harness.clock.advance(by: .seconds(29))
            #expect(try await harness.claim(limit: 1).isEmpty)
            harness.clock.advance(by: .seconds(1))
            #expect(try await harness.claim(limit: 1).first?.attempt == 2)
        }
    }

    @Test("after maxAttempts a request is dead-lettered with its last error", arguments: QueueBackends.all)
    func deadLetter(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend, policy: .table([.seconds(1)], maxAttempts: 3)) { harness in
            let queue = harness.queue
            let id = try await queue.enqueue([Requests.product("1")]).ids[0]
            var outcomes: [FailureOutcome] = []
            for attempt in 1...3 {
                let claim = try await harness.claimOne()
                outcomes.append(try await queue.fail(claim, error: "boom \(attempt)"))
                harness.clock.advance(by: .seconds(1))
            }
            #expect(outcomes.last == .deadLettered)
            #expect(outcomes.dropLast().allSatisfy { if case .retryScheduled = $0 { true } else { false } })

            harness.clock.advance(by: .seconds(86_400))
            #expect(try await harness.claim(limit: 1).isEmpty)
            let dead = try #require(try await queue.list(state: .dead, limit: 10).first)
            #expect(dead.id == id && dead.attempt == 3 && dead.lastError == "boom 3" && dead.request == Requests.product("1"))
            #expect(try await queue.stats().total == QueueCounts(dead: 1))
        }
    }

    @Test("dead requests are retried on demand by id or filter, with a fresh set of attempts", arguments: QueueBackends.all)
    func retryDead(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend, policy: .table([.seconds(1)], maxAttempts: 1)) { harness in
            let queue = harness.queue
            let ids = try await queue.enqueue([
                Requests.product("1"), Requests.product("2"), Requests.product("3", subscription: "shop-2"),
                Requests.product("4"),
            ]).ids
            for claim in try await harness.claim() {
                #expect(try await queue.fail(claim, error: "no") == .deadLettered)
            }

            #expect(try await queue.retryDead(.ids([ids[0], QueueItemID(999_999)])) == 1)
            #expect(try await queue.retryDead(.matching(subscription: "shop-2")) == 1)
            #expect(try await queue.retryDead(.ids([ids[0]])) == 0)  // pending now, not dead
            #expect(try await queue.stats().total == QueueCounts(pending: 2, dead: 2))

            let claims = try await harness.claim()
            #expect(claims.map(\.id) == [ids[0], ids[2]])
            #expect(claims.allSatisfy { $0.attempt == 2 && $0.lastError == "no" })  // the attempt goes on counting
            // A fresh round: with maxAttempts 1 the retried attempt may fail once more before it is dead again.
            #expect(try await queue.fail(claims[0], error: "again") == .deadLettered)

            try await queue.enqueue([Requests.product("2")])  // an equal request is pending: the dead one merges in
            #expect(try await queue.retryDead(.all) == 3)
            let pending = try await queue.list(state: .pending, limit: 10)
            #expect(pending.map(\.request.externalId).sorted() == ["1", "2", "4"])
            #expect(pending.first { $0.request.externalId == "2" }?.coalesced == 1)
            #expect(try await queue.stats().total == QueueCounts(pending: 3, claimed: 1))
        }
    }
}

extension QueueContract {
    @Test("a claim dead-lettered by its processor skips its remaining attempts; a stale claim cannot", arguments: QueueBackends.all)
    func deadLetterAtOnce(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            try await queue.enqueue([Requests.product("1"), Requests.product("2")])
            let claims = try await harness.claim("w", limit: 2)
            try await queue.deadLetter(claims[0], error: "HTTP 404: no such product")
            let dead = try await queue.list(state: .dead, limit: 10)
            #expect(dead.map(\.id) == [claims[0].id] && dead[0].lastError == "HTTP 404: no such product")
            #expect(dead[0].attempt == 1)

            await #expect(throws: TransferQueueError.leaseLost(id: claims[0].id, attempt: 1)) {
                try await queue.deadLetter(claims[0], error: "again")
            }
            harness.clock.advance(by: .seconds(61))  // the second claim's lease expires and is rescued
            #expect(try await queue.rescueExpiredLeases() == 1)
            await #expect(throws: TransferQueueError.leaseLost(id: claims[1].id, attempt: 1)) {
                try await queue.deadLetter(claims[1], error: "late")
            }
            #expect(try await queue.stats().total == QueueCounts(pending: 1, dead: 1))
        }
    }
}
