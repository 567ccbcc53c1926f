import HookQueue
import HookRules
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
}
