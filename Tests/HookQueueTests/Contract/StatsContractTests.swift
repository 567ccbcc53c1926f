import HookQueue
import HookModel
import Testing

extension QueueContract {
    @Test("stats count by state, by scope and by subscription", arguments: QueueBackends.all)
    func stats(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend, policy: .table([.seconds(1)], maxAttempts: 1)) { harness in
            let queue = harness.queue
            try await queue.enqueue([
                Requests.product("dead"), Requests.product("claimed", subscription: "shop-2"),
                Requests.product("a", action: .created), Requests.product("b", subscription: "shop-2"),
                Requests.product("c"),
            ])
            let claims = try await harness.claim("w", limit: 2)
            _ = try await queue.fail(claims[0], error: "no")

            let stats = try await queue.stats()
            #expect(stats.total == QueueCounts(pending: 3, claimed: 1, dead: 1))
            let updated = Scope(collection: "product", action: .updated)
            let created = Scope(collection: "product", action: .created)
            #expect(stats.byScope == [updated: QueueCounts(pending: 2, claimed: 1, dead: 1), created: QueueCounts(pending: 1)])
            #expect(stats.bySubscription == [
                "shop-1": QueueCounts(pending: 2, dead: 1), "shop-2": QueueCounts(pending: 1, claimed: 1),
            ])
        }
    }

    @Test("list filters by state, keeps priority order for pending and honours the limit", arguments: QueueBackends.all)
    func list(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let queue = harness.queue
            let ids = try await queue.enqueue([
                Requests.product("1"), Requests.product("2"), Requests.product("3", debug: true), Requests.product("4"),
            ]).ids
            let claim = try await harness.claimOne()
            #expect(claim.id == ids[2])

            #expect(try await queue.list(state: .pending, limit: 2).map(\.id) == [ids[0], ids[1]])
            #expect(try await queue.list(state: .claimed, limit: 10).map(\.id) == [ids[2]])
            #expect(try await queue.list(state: .claimed, limit: 10).first?.worker == "w")
            #expect(try await queue.list(state: .dead, limit: 10).isEmpty)
            #expect(try await queue.list(state: nil, limit: 10).map(\.id) == ids)
        }
    }
}
