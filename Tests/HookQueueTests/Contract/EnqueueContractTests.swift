import HookQueue
import HookModel
import Testing

extension QueueContract {
    @Test("a batch is accepted in one call; every request gets its own id", arguments: QueueBackends.all)
    func batchEnqueue(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let receipt = try await harness.queue.enqueue(Requests.products(250))
            #expect(receipt.inserted == 250 && receipt.coalesced == 0)
            #expect(receipt.ids.count == 250 && Set(receipt.ids).count == 250)
            #expect(receipt.ids == receipt.ids.sorted())
            #expect(try await harness.queue.stats().total == QueueCounts(pending: 250))

            let empty = try await harness.queue.enqueue([])
            #expect(empty == EnqueueReceipt(ids: [], inserted: 0, coalesced: 0))
        }
    }

    @Test("a claimed request round-trips every field exactly", arguments: QueueBackends.all)
    func roundTrip(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let requests = [Requests.everyField, Requests.noOptionals, Requests.product("007")]
            let receipt = try await harness.queue.enqueue(requests)
            let enqueuedAt = harness.clock.now()

            let listed = try await harness.queue.list(state: .pending, limit: 10)
            #expect(listed.map(\.request) == requests)  // the debug one first, then in enqueue order
            #expect(listed.allSatisfy { $0.enqueuedAt == enqueuedAt && $0.dueAt == enqueuedAt && $0.attempt == 0 })

            let claims = try await harness.claim("w1", limit: 10)
            #expect(claims.map(\.request) == requests)
            #expect(claims.map(\.id) == receipt.ids)
            for claim in claims {
                #expect(claim.attempt == 1 && claim.coalesced == 0 && claim.worker == "w1" && claim.lastError == nil)
                #expect(claim.enqueuedAt == enqueuedAt && claim.leaseExpiresAt == harness.clock.later(by: .seconds(60)))
            }
        }
    }

    @Test("an equal pending request is merged into the first: counted, newest fields, one row", arguments: QueueBackends.all)
    func coalescing(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let first = try await harness.queue.enqueue([
                Requests.product("1", hookId: "h1"), Requests.product("2"), Requests.product("1", hookId: "h2"),
            ])
            #expect(first.inserted == 2 && first.coalesced == 1 && first.ids[0] == first.ids[2])

            harness.clock.advance(by: .seconds(5))
            let second = try await harness.queue.enqueue([Requests.product("1", hookId: "h3")])
            #expect(second.inserted == 0 && second.coalesced == 1 && second.ids == [first.ids[0]])

            // Any field of the key that differs makes it another request.
            let distinct = try await harness.queue.enqueue([
                Requests.product("1", subscription: "shop-2"), Requests.product("1", action: .created),
                Requests.product("1", direction: .from), Requests.product("01"),
            ])
            #expect(distinct.inserted == 4)

            let claims = try await harness.claim()
            #expect(claims.count == 6)
            let merged = try #require(claims.first { $0.id == first.ids[0] })
            #expect(merged.coalesced == 2 && merged.request.hookId == "h3")
            #expect(merged.enqueuedAt == claims[1].enqueuedAt)  // keeps its place: enqueued with the first batch
            #expect(claims.filter { $0.id != merged.id }.allSatisfy { $0.coalesced == 0 })
        }
    }

    @Test("coalescing ORs the debug flag: a debug re-enqueue moves the request to the front", arguments: QueueBackends.all)
    func coalescingDebug(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let receipt = try await harness.queue.enqueue(Requests.products(3))
            try await harness.queue.enqueue([Requests.product("p3", debug: true)])
            try await harness.queue.enqueue([Requests.product("p3", debug: false)])  // does not clear the flag

            let claims = try await harness.claim()
            #expect(claims.map(\.id) == [receipt.ids[2], receipt.ids[0], receipt.ids[1]])
            #expect(claims[0].request.debug && claims[0].coalesced == 2)
        }
    }

    @Test("a request equal to a claimed one is queued anew, and a failure merges into it", arguments: QueueBackends.all)
    func coalescingSkipsClaimed(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            try await harness.queue.enqueue([Requests.product("1")])
            let claim = try await harness.claimOne()

            let again = try await harness.queue.enqueue([Requests.product("1", debug: true)])
            #expect(again.inserted == 1 && again.ids[0] != claim.id)

            let outcome = try await harness.queue.fail(claim, error: "timeout")
            #expect(outcome == .mergedIntoPending(again.ids[0]))
            let pending = try await harness.queue.list(state: nil, limit: 10)
            #expect(pending.count == 1 && pending[0].id == again.ids[0] && pending[0].coalesced == 1)
            #expect(pending[0].request.debug && pending[0].state == .pending)
        }
    }

    @Test("a large batch with repeats far apart gets one id per key and exact counts", arguments: QueueBackends.all)
    func largeBatchCoalescing(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            // 1,000 requests over 700 keys: every request from 700 on repeats one from the start of the batch.
            let requests = (0..<1000).map { Requests.product("k\($0 < 700 ? $0 : $0 - 700)") }
            let receipt = try await harness.queue.enqueue(requests)
            #expect(receipt.inserted == 700 && receipt.coalesced == 300)
            #expect(Set(receipt.ids).count == 700)
            for n in 700..<1000 { #expect(receipt.ids[n] == receipt.ids[n - 700]) }
            let pending = try await harness.queue.list(state: .pending, limit: 1000)
            #expect(pending.count == 700 && pending.filter { $0.coalesced == 1 }.count == 300)
        }
    }
}
