import HookQueue
import HookModel
import Testing

extension QueueContract {
    @Test("workers claiming in parallel, on one handle and on several, never get the same request twice",
          arguments: QueueBackends.all)
    func parallelClaims(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let handles = [harness.queue, try await harness.openAnother(), try await harness.openAnother()]
            let ids = try await harness.queue.enqueue(Requests.products(600)).ids

            let claimed = try await withThrowingTaskGroup(of: [QueueItemID].self) { group in
                for worker in 0..<8 {
                    let queue = handles[worker % handles.count]
                    group.addTask {
                        var mine: [QueueItemID] = []
                        while true {
                            let claims = try await queue.claim(worker: "w\(worker)", limit: 7, lease: .seconds(600))
                            if claims.isEmpty { return mine }
                            mine += claims.map(\.id)
                            #expect(try await queue.complete(claims).lost.isEmpty)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == ids.count)
            #expect(Set(claimed) == Set(ids))
            #expect(try await harness.queue.stats().total == QueueCounts())
        }
    }

    @Test("equal requests enqueued in parallel coalesce into one", arguments: QueueBackends.all)
    func parallelCoalescing(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let other = try await harness.openAnother()
            let receipts = try await withThrowingTaskGroup(of: EnqueueReceipt.self) { group in
                for n in 0..<40 {
                    let queue = n.isMultiple(of: 2) ? harness.queue : other
                    group.addTask { try await queue.enqueue([Requests.product("same"), Requests.product("own-\(n)")]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(receipts.map(\.inserted).reduce(0, +) == 41)
            #expect(Set(receipts.map { $0.ids[0] }).count == 1)
            let same = try #require(try await harness.queue.list(state: .pending, limit: 100).first { $0.request.externalId == "same" })
            #expect(same.coalesced == 39)
        }
    }
}
