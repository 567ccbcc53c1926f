import Foundation
import HookModel
import HookQueue
import HookRules
import LuaRuntime
import Testing

@Suite("Kept hooks: a failed hook is replayed through the fixed rule and then leaves the store")
struct KeptHookRetryTests {
    @Test("retry after the fix: requests queued and the kept hook removed together; still failing: cause updated")
    func retryAfterFix() async throws {
        let server = try await ServerHarness.start()
        let reply = try await server.post(topic: "boom", json: #"{"items": [{"id": 41}, {"id": 42}]}"#)
        let hookId = try #require(reply.json["hook"] as? String)
        let kept = try #require(try await server.queue.keptHook(id: hookId))

        guard case .stillFailing(let cause) = try await server.service.retry(kept) else {
            Issue.record("the unchanged rule still fails")
            return
        }
        #expect(cause.contains("cannot map 41"))
        #expect(try await server.queue.keptHook(id: hookId) != nil)

        let fixed = ServerHarness.rule.replacingOccurrences(
            of: #"["boom"] = function(record) error("cannot map " .. tostring(record.id)) end"#,
            with: #"["boom"] = "product/updated""#)
        try server.service.engine.reload(book: try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: fixed))]))
        let retried = try await server.service.retry(kept)
        #expect(retried == .resolved(requests: 2, ignored: 0))
        #expect(try await server.queue.keptHook(id: hookId) == nil)
        let pending = try await server.queue.list(state: .pending, limit: 10)
        #expect(pending.map(\.request.externalId) == ["41", "42"] && pending.allSatisfy { $0.request.hookId == hookId })
        try await server.stop()
    }
}
