import Foundation
import HookModel
import HookQueue
import HookQueueSQLite
import Testing

@Suite("hookrules hooks, run as a process: kept hooks listed, shown and retried")
struct HooksCommandTests {
    /// A queue folder holding one failed Shopify hook (its rule failed when it arrived) and one rejected one.
    static func queueWithKeptHooks() async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kept-\(UUID().uuidString)")
        let queue = try SQLiteTransferQueue(folder: folder)
        let failed = KeptHook(
            id: "hk_failed", subscription: "demo-shopify", disposition: .failed,
            cause: "rules/shopify.lua:46: the record has no id", receivedAt: Date(), method: "POST",
            target: "/hooks/demo-shopify",
            headers: [.init(name: "X-Shopify-Topic", value: "products/update"), .init(name: "Content-Type", value: "application/json")],
            body: Array(#"{"id": 820982911946154508}"#.utf8))
        _ = try await queue.commit([IntakeRecord(subscription: "demo-shopify", kept: failed)], deliveryWindow: .seconds(60))
        var rejected = failed
        rejected.id = "hk_rejected"
        rejected.disposition = .rejected
        rejected.cause = "unauthorized: header X-Shopify-Hmac-Sha256 is missing"
        try await queue.keepRejected(rejected, limits: KeptHookLimits())
        try await queue.close()
        return folder
    }

    @Test("failed and rejected list their causes; show prints a replayable envelope")
    func listAndShow() async throws {
        let folder = try await Self.queueWithKeptHooks()
        defer { try? FileManager.default.removeItem(at: folder) }
        let failed = try CommandRunner.run(["hooks", "failed", "--queue", folder.path])
        #expect(failed.status == 0 && failed.stdout.contains("hk_failed") && failed.stdout.contains("the record has no id"))
        #expect(!failed.stdout.contains("hk_rejected"))
        let rejected = try CommandRunner.run(["hooks", "rejected", "--queue", folder.path, "--format", "jsonl"])
        #expect(rejected.stdout.contains(#""hook":"hk_rejected""#) && rejected.stdout.contains("X-Shopify-Hmac-Sha256 is missing"))
        let shown = try CommandRunner.run(["hooks", "show", "hk_failed", "--queue", folder.path])
        #expect(shown.status == 0 && shown.stdout.contains(#""format" : "hookrules.capture/1""#), "\(shown.stdout)")
        let envelope = folder.appendingPathComponent("failed.hook.json")
        try Data(shown.stdout.utf8).write(to: envelope)
        let replayed = try CommandRunner.run(["replay", "--subscription", "demo-shopify", envelope.path])
        #expect(replayed.stdout.contains(#""externalId":"820982911946154508""#), "\(replayed.stdout)\(replayed.stderr)")
        #expect(try CommandRunner.run(["hooks", "show", "hk_nope", "--queue", folder.path]).status == 64)
    }

    @Test("retry resolves the failed hook through the rules as they are now; the rejected one still fails without a signature")
    func retry() async throws {
        let folder = try await Self.queueWithKeptHooks()
        defer { try? FileManager.default.removeItem(at: folder) }
        let retried = try CommandRunner.run(["hooks", "retry", "--failed", "--queue", folder.path])
        #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
        #expect(retried.stdout.contains("hk_failed: resolved, 1 request(s) queued"))
        let queue = try SQLiteTransferQueue(folder: folder)
        let pending = try await queue.list(state: .pending, limit: 10)
        #expect(pending.map(\.request.externalId) == ["820982911946154508"] && pending.first?.request.hookId == "hk_failed")
        #expect(try await queue.keptHooks(.failed, limit: 10).isEmpty)
        try await queue.close()

        let stillRejected = try CommandRunner.run(["hooks", "retry", "hk_rejected", "--queue", folder.path])
        #expect(stillRejected.status == 1 && stillRejected.stdout.contains("still failing: header X-Shopify-Hmac-Sha256 is missing"))
    }
}
