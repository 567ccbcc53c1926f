import Foundation
import HookModel
import HookQueue
import Testing

extension QueueContract {
    static func intake(_ harness: QueueHarness) throws -> any HookIntakeStore {
        try #require(harness.queue as? any HookIntakeStore, "every backend stores intake records")
    }

    static func keptHook(_ id: String, _ disposition: KeptHook.Disposition = .failed, at date: Date) -> KeptHook {
        KeptHook(
            id: id, subscription: "shop-1", disposition: disposition, cause: "rules/shop.lua:3: boom",
            receivedAt: date, method: "POST", target: "/hooks/shop-1?x=1",
            headers: [.init(name: "X-Topic", value: "a"), .init(name: "x-topic", value: "b")],
            body: Array(#"{"id": 18446744073709551617}"#.utf8) + [0xFF, 0x00])
    }

    @Test("intake records commit together: requests enqueued, failed hooks kept exactly", arguments: QueueBackends.all)
    func intakeCommit(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let store = try Self.intake(harness)
            let kept = Self.keptHook("h2", at: harness.clock.now())
            let results = try await store.commit([
                IntakeRecord(subscription: "shop-1", delivery: "d1", requests: Requests.products(2)),
                IntakeRecord(subscription: "shop-1", delivery: "d2", kept: kept),
                IntakeRecord(subscription: "shop-1", requests: [Requests.product("p1")]),
            ], deliveryWindow: .seconds(3600))
            guard case .committed(let first) = results[0], case .committed(let second) = results[1],
                case .committed(let third) = results[2]
            else {
                Issue.record("every record commits: \(results)")
                return
            }
            #expect(first.inserted == 2 && second.ids.isEmpty && third.coalesced == 1 && third.ids == [first.ids[0]])
            #expect(try await harness.queue.stats().total.pending == 2)
            let stored = try #require(try await store.keptHook(id: "h2"))
            #expect(stored == kept)
            #expect(try await store.keptHooks(.failed, limit: 10).map(\.id) == ["h2"])
            #expect(try await store.keptHooks(.rejected, limit: 10).isEmpty)
        }
    }

    @Test("a delivery seen within the window is a duplicate and adds nothing; after it, it counts again",
        arguments: QueueBackends.all)
    func intakeDedup(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let store = try Self.intake(harness)
            let firstSeen = harness.clock.now()
            _ = try await store.commit(
                [IntakeRecord(subscription: "shop-1", delivery: "d1", requests: [Requests.product("p1")])],
                deliveryWindow: .seconds(60))
            harness.clock.advance(by: .seconds(30))
            let again = try await store.commit([
                IntakeRecord(subscription: "shop-1", delivery: "d1", requests: [Requests.product("p2")]),
                IntakeRecord(subscription: "shop-2", delivery: "d1", requests: [Requests.product("p3", subscription: "shop-2")]),
            ], deliveryWindow: .seconds(60))
            guard case .duplicate(let seen) = again[0] else {
                Issue.record("a redelivery within the window is a duplicate: \(again[0])")
                return
            }
            #expect(abs(seen.timeIntervalSince(firstSeen)) < 0.001)
            #expect(again[1] != again[0], "delivery ids are per subscription")
            #expect(try await harness.queue.list(state: .pending, limit: 10).map(\.request.externalId) == ["p1", "p3"])

            harness.clock.advance(by: .seconds(31))
            let late = try await store.commit(
                [IntakeRecord(subscription: "shop-1", delivery: "d1", requests: [Requests.product("p4")])],
                deliveryWindow: .seconds(60))
            guard case .committed = late[0] else {
                Issue.record("past the window a delivery id counts again: \(late[0])")
                return
            }
            #expect(try await store.forgetDeliveries(before: harness.clock.now().addingTimeInterval(1)) == 2)
        }
    }

    @Test("one group: a delivery repeated in it is a duplicate, equal requests of different hooks merge, a duplicate writes nothing",
        arguments: QueueBackends.all)
    func intakeGroup(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let store = try Self.intake(harness)
            let earlier = harness.clock.now()
            _ = try await store.commit([
                IntakeRecord(subscription: "shop-1", delivery: "old", requests: [Requests.product("p0")]),
                IntakeRecord(subscription: "shop-1", kept: Self.keptHook("k1", at: earlier)),
                IntakeRecord(subscription: "shop-1", kept: Self.keptHook("k2", at: earlier)),
            ], deliveryWindow: .seconds(60))
            harness.clock.advance(by: .seconds(10))
            let now = harness.clock.now()
            let results = try await store.commit([
                IntakeRecord(subscription: "shop-1", delivery: "d1", requests: [Requests.product("p1"), Requests.product("p2")]),
                IntakeRecord(subscription: "shop-1", delivery: "d1", requests: [Requests.product("p9")], resolves: ["k1"]),
                IntakeRecord(subscription: "shop-1", delivery: "old", requests: [Requests.product("p8")], resolves: ["k2"]),
                IntakeRecord(subscription: "shop-1", delivery: "d2", requests: [Requests.product("p2"), Requests.product("p3")], resolves: ["k1"]),
                IntakeRecord(subscription: "shop-1", requests: [Requests.product("p0")]),
            ], deliveryWindow: .seconds(60))
            #expect(results.count == 5)
            guard case .committed(let first) = results[0], case .duplicate(let repeated) = results[1],
                case .duplicate(let old) = results[2], case .committed(let fourth) = results[3],
                case .committed(let fifth) = results[4]
            else {
                Issue.record("committed, duplicate, duplicate, committed, committed: \(results)")
                return
            }
            #expect(abs(repeated.timeIntervalSince(now)) < 0.001, "first seen in this group")
            #expect(abs(old.timeIntervalSince(earlier)) < 0.001, "first seen in the earlier group")
            #expect(first.inserted == 2 && first.coalesced == 0)
            #expect(fourth.inserted == 1 && fourth.coalesced == 1 && fourth.ids[0] == first.ids[1], "p2 merges into the first hook's")
            #expect(fifth.inserted == 0 && fifth.coalesced == 1, "p0 merges into the pending row of the earlier group")
            let pending = try await harness.queue.list(state: .pending, limit: 10).map(\.request.externalId)
            #expect(Set(pending) == ["p0", "p1", "p2", "p3"], "nothing of the duplicates: \(pending)")
            #expect(try await store.keptHook(id: "k1") == nil, "resolved by the fourth record")
            #expect(try await store.keptHook(id: "k2") != nil, "a duplicate resolves nothing")
        }
    }

    @Test("rejected hooks are kept newest first, capped in count and age", arguments: QueueBackends.all)
    func intakeRejectedCap(backend: QueueBackend) async throws {
        try await QueueHarness.with(backend) { harness in
            let store = try Self.intake(harness)
            let limits = KeptHookLimits(maxRejected: 3, maxAge: .seconds(100))
            _ = try await store.commit(
                [IntakeRecord(subscription: "shop-1", kept: Self.keptHook("failed-1", at: harness.clock.now()))],
                deliveryWindow: .seconds(60))
            for index in 1...5 {
                try await store.keepRejected(Self.keptHook("r\(index)", .rejected, at: harness.clock.now()), limits: limits)
                harness.clock.advance(by: .seconds(10))
            }
            #expect(try await store.keptHooks(.rejected, limit: 10).map(\.id) == ["r5", "r4", "r3"])
            harness.clock.advance(by: .seconds(200))
            try await store.keepRejected(Self.keptHook("r6", .rejected, at: harness.clock.now()), limits: limits)
            #expect(try await store.keptHooks(.rejected, limit: 10).map(\.id) == ["r6"])
            #expect(try await store.keptHooks(nil, limit: 10).map(\.id) == ["r6", "failed-1"], "failed hooks are never capped")
            #expect(try await store.removeKeptHooks(ids: ["failed-1", "nope"]) == 1)
            try await harness.queue.probe()
        }
    }
}
