import HookQueue
import HookModel
import Testing

extension QueueContract {
    @Test("accepted requests, claims and dead letters survive closing and reopening", arguments: QueueBackends.all)
    func durability(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend, policy: .table([.seconds(1)], maxAttempts: 1)) { harness in
            let requests = [Requests.everyField, Requests.noOptionals] + Requests.products(3)
            let ids = try await harness.queue.enqueue(requests).ids
            let claims = try await harness.claim("w", limit: 2)
            _ = try await harness.queue.fail(claims[1], error: "kept")
            let before = try await harness.queue.list(state: nil, limit: 10)
            try await harness.queue.close()

            let reopened = try await harness.openAnother()
            let after = try await reopened.list(state: nil, limit: 10)
            #expect(after == before)
            #expect(after.map(\.id) == ids && after.map(\.request) == requests)
            #expect(after[1].state == .dead && after[1].lastError == "kept")
            // The claim made before the reopening is still held and can be completed.
            try await reopened.complete(claims[0])
            #expect(try await reopened.stats().total == QueueCounts(pending: 3, dead: 1))
        }
    }
}
