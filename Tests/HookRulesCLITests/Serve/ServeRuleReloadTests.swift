import Foundation
import Testing

/// Hot reload while a client posts: a rule file rewritten under a running `serve`.
@Suite("serve reloads a changed rule under load")
struct ServeRuleReloadTests {
    static let mapping = #"["products/update"] = "product/updated","#

    @Test(
        """
        a rule change under load: every hook's requests once, by the old or the new rule; a broken change keeps the \
        rules serving and shows in /readyz
        """,
        .timeLimit(.minutes(2))
    )
    func ruleChangeUnderLoad() async throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.sqlite, folder: folder)
        // Hooks in flight across the change may run on either rule; each must run on exactly one.
        let ledger = HookLedger {
            LoadHook.shopifyProduct(LoadHook.firstId + $0, scopes: ["product/updated", "product/created"])
        }
        let client = ServeClient()
        let serve = try ServeProcess(["--rules", copy.rules.path, "--queue", queue.location])
        let port = try await serve.waitUntilServing()
        let readiness = Readiness(client: client, port: port)
        let firstGeneration = try await readiness.generation()
        let load = LoadRunner(ledger: ledger, client: client).start(port: port)
        try await ledger.waitForAcknowledgements(50)

        let changeWritten = ContinuousClock.now
        try copy.edit("rules/shopify.lua", replacing: Self.mapping, with: #"["products/update"] = "product/created","#)
        try await readiness.waitFor("the changed rule to load") { $0.generation > firstGeneration }
        let changeServed = ContinuousClock.now
        try await ledger.waitForAcknowledgements(50, after: changeServed)

        let goodRule = try String(contentsOf: copy.rules.appendingPathComponent("shopify.lua"), encoding: .utf8)
        try copy.write("rules/shopify.lua", "return rule {\n  scopes = { \"product/updated\" \n")
        let broken = try await readiness.waitFor("the broken change to be reported") { $0.text.contains("did not load") }
        #expect(broken.status == 200 && broken.text.contains("shopify.lua"), "\(broken.text)")
        let brokenServed = ContinuousClock.now
        try await ledger.waitForAcknowledgements(50, after: brokenServed)
        try copy.write("rules/shopify.lua", goodRule)
        let repaired = try await readiness.waitFor("the repaired rule to load") { !$0.text.contains("did not load") }
        #expect(repaired.generation > firstGeneration + 1, "\(repaired.text)")

        await load.stop()
        #expect(try await serve.stop() == 0, "\(serve.logText)")

        let entries = try await queue.requests()
        let problems = ledger.problems(in: entries)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        #expect(ledger.unexpectedAnswers.isEmpty, "\(ledger.unexpectedAnswers.prefix(5))")
        let scopes = Dictionary(entries.map { ($0.externalId, $0.scope) }) { first, _ in first }
        let records = ledger.records
        // Acknowledged before the change was written: the old rule. Sent after the new rule served (the broken
        // change included, which must not have replaced it): the new one.
        let before = records.filter { ($0.acknowledged ?? changeWritten) < changeWritten }
        let after = records.filter { ($0.firstSent ?? changeServed) > changeServed && $0.acknowledgement != nil }
        #expect(!before.isEmpty && !after.isEmpty)
        #expect(before.allSatisfy { scopes[$0.hook.expected.keys.first!] == "product/updated" })
        #expect(
            after.allSatisfy { scopes[$0.hook.expected.keys.first!] == "product/created" },
            "a hook ran on the old or the broken rule")
        print("""
            serve rule reload under load: \(ledger.acknowledgedCount) hooks acknowledged, \(before.count) before the \
            change, \(after.count) after
            """)
        try await queue.remove()
    }
}
