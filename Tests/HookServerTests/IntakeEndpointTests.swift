import AsyncHTTPClient
import Foundation
import HookModel
import HookQueue
import NIOCore
import Testing

@Suite("Intake endpoint over loopback: a 2xx means the requests are committed")
struct IntakeEndpointTests {
    @Test("a hook's requests are in the queue when the 202 arrives; the reply says what it became")
    func accepted() async throws {
        let server = try await ServerHarness.start()
        let reply = try await server.post(json: #"{"items": [{"id": 18446744073709551617}, {"id": "a-2"}]}"#)
        #expect(reply.status == 202, "\(reply.body)")
        #expect(reply.json["requests"] as? Int == 2 && reply.json["duplicate"] as? Bool == false)
        let hookId = try #require(reply.json["hook"] as? String)
        let pending = try await server.queue.list(state: .pending, limit: 10)
        #expect(pending.map(\.request.externalId) == ["18446744073709551617", "a-2"])
        #expect(pending.allSatisfy { $0.request.hookId == hookId && $0.request.subscription == "acme" })
        try await server.stop()
    }

    @Test("a rule error still gets 202 (a retry cannot fix it) and the hook is kept exactly, with the error")
    func ruleErrorKept() async throws {
        let server = try await ServerHarness.start()
        let body = #"{"items": [{"id": 1}]}"#
        let reply = try await server.post(topic: "boom", json: body)
        #expect(reply.status == 202 && reply.json["kept"] != nil, "\(reply.body)")
        let hookId = try #require(reply.json["hook"] as? String)
        let kept = try #require(try await server.queue.keptHook(id: hookId))
        #expect(kept.disposition == .failed && kept.cause.contains("rules/shop.lua:") && kept.cause.contains("cannot map 1"))
        #expect(kept.body == Array(body.utf8) && kept.headers.contains { $0.name == "X-Topic" && $0.value == "boom" })
        try await server.stop()
    }

    @Test("unknown subscription 404, no authentication configured 401, other methods 405: kept as rejected")
    func refusals() async throws {
        let server = try await ServerHarness.start()
        #expect(try await server.post("/hooks/nobody", json: "{}").status == 404)
        let locked = try await server.post("/hooks/locked", json: #"{"id": 1}"#)
        #expect(locked.status == 401 && locked.json["error"] as? String == "unauthorized", "the reason stays in the log")
        let put = try await server.send(.PUT, "/hooks/acme", body: .bytes(ByteBuffer(string: "{}")))
        #expect(put.status == 405 && put.headers["allow"] == "POST")
        #expect(try await server.queue.stats().total.total == 0)
        try await Self.eventually {
            try await server.queue.keptHooks(.rejected, limit: 10).count == 3
        }
        let causes = try await server.queue.keptHooks(.rejected, limit: 10).map(\.cause)
        #expect(causes.contains { $0.hasPrefix("unauthorized: no authentication is configured") })
        try await server.stop()
    }

    @Test("a body over the limit is refused with 413, by Content-Length and while a chunked body streams in")
    func bodyLimit() async throws {
        let server = try await ServerHarness.start(maxBodyBytes: 1024)
        let big = String(repeating: "x", count: 4096)
        #expect(try await server.post(json: #"{"id": "\#(big)"}"#).status == 413)
        let chunks = AsyncStream<ByteBuffer> { continuation in
            for _ in 0..<8 { continuation.yield(ByteBuffer(string: String(repeating: "y", count: 512))) }
            continuation.finish()
        }
        let chunked = try await server.send(
            .POST, "/hooks/acme", headers: [("X-Topic", "products/update")], body: .stream(chunks, length: .unknown))
        #expect(chunked.status == 413, "\(chunked.body)")
        let small = try await server.post(json: #"{"id": 7}"#)
        #expect(small.status == 202, "the server keeps serving after refusing")
        try await server.stop()
    }

    @Test("a rule's limits.body_bytes is its integration's body cap, below or above the server's")
    func bodyLimitOfTheRule() async throws {
        for (declared, server) in [(256, 1 << 20), (8192, 1024)] {
            let rule = ServerHarness.rule.replacingOccurrences(
                of: "return rule {", with: "return rule {\n  limits = { body_bytes = \(declared) },")
            let harness = try await ServerHarness.start(rule: rule, maxBodyBytes: server)
            #expect(harness.service.maxBodyBytes(forSubscription: "acme") == declared)
            let over = String(repeating: "x", count: declared)
            #expect(try await harness.post(json: #"{"id": "\#(over)"}"#).status == 413, "over \(declared)")
            let under = String(repeating: "x", count: declared - 64)
            let reply = try await harness.post(json: #"{"id": "\#(under)"}"#)
            #expect(reply.status == 202 && reply.json["requests"] as? Int == 1, "under \(declared): \(reply.body)")
            try await harness.stop()
        }
    }

    @Test("concurrent hooks share transactions, and every acknowledged hook's requests are committed")
    func groupCommit() async throws {
        let server = try await ServerHarness.start()
        let replies = try await withThrowingTaskGroup(of: ServerHarness.Reply.self) { group in
            for index in 0..<64 {
                group.addTask { try await server.post(json: #"{"id": \#(index)}"#) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.allSatisfy { $0.status == 202 })
        #expect(try await server.queue.stats().total.pending == 64)
        let transactions = server.service.committer.transactions
        #expect(transactions < 64, "\(transactions) transactions")
        let metrics = try await server.send(.GET, "/metrics").body
        #expect(metrics.contains("hookrules_commit_batch_records_count \(transactions)\n"), "\(metrics)")
        #expect(metrics.contains("hookrules_commit_batch_records_sum 64"), "\(metrics)")
        try await server.stop()
    }

    @Test("health, readiness and metrics")
    func operations() async throws {
        let server = try await ServerHarness.start()
        _ = try await server.post(json: #"{"id": 1}"#)
        _ = try await server.post("/hooks/nobody", json: "{}")
        #expect(try await server.send(.GET, "/healthz").status == 200)
        let ready = try await server.send(.GET, "/readyz")
        #expect(ready.status == 200 && ready.body.contains("queue: reachable"), "\(ready.body)")
        let metrics = try await server.send(.GET, "/metrics").body
        #expect(metrics.contains(#"hookrules_hooks_total{integration="shop",subscription="acme",outcome="accepted"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"hookrules_rejections_total{cause="unknown_subscription"} 1"#))
        #expect(metrics.contains(#"hookrules_queue_requests{state="pending"} 1"#))
        #expect(metrics.contains("hookrules_commit_duration_seconds_bucket"))
        try await server.stop()
    }

    static func eventually(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<200 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the condition never held within 5 s")
    }
}
