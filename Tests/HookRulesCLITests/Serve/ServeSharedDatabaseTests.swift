import Foundation
import HookModel
import Testing

/// Two `serve` processes on one PostgreSQL database behind "a load balancer" (the client alternating between them):
/// one intake, whichever server a hook reaches.
@Suite("Two servers on one PostgreSQL database")
struct ServeSharedDatabaseTests {
    @Test(
        "they share the queue, dedup (a redelivery to the other is a duplicate) and kept hooks", .timeLimit(.minutes(2))
    )
    func twoServers() async throws {
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.postgres, folder: folder)
        let client = ServeClient()
        let first = try ServeProcess(["--queue", queue.location])
        let second = try ServeProcess(["--queue", queue.location])
        let ports = [try await first.waitUntilServing(), try await second.waitUntilServing()]
        let bases = ports.map { "http://127.0.0.1:\($0)" }

        // Load through both: every acknowledged hook's requests in the one queue, once.
        let ledger = HookLedger()
        let load = LoadRunner(ledger: ledger, client: client).start(ports: { ports })
        try await ledger.waitForAcknowledgements(200)
        await load.stop()
        for _ in 0..<5 where ledger.unacknowledgedCount > 0 {
            await LoadRunner(ledger: ledger, client: client, newHooks: false).run(ports: { ports })
        }

        // A redelivery reaching the other server is a duplicate: 200, "duplicate": true, nothing new queued.
        for (to, again) in [(0, 1), (1, 0)] {
            let hook = LoadHook.shopifyProduct(UInt64(100 + to))
            let delivered = try await client.post(hook.request(base: bases[to]))
            #expect(delivered.status == 202 && delivered.json["duplicate"] as? Bool == false, "\(delivered.body)")
            let redelivered = try await client.post(hook.request(base: bases[again]))
            #expect(redelivered.status == 200 && redelivered.json["duplicate"] as? Bool == true, "\(redelivered.body)")
        }
        // The same delivery reaching both at once: one commits it, the other finds it committed.
        let racing = LoadHook.shopifyProduct(102)
        async let atFirst = client.post(racing.request(base: bases[0]))
        async let atSecond = client.post(racing.request(base: bases[1]))
        let statuses = try await [atFirst.status, atSecond.status].sorted()
        #expect(statuses == [200, 202], "\(statuses)")

        // A hook whose rule fails, received by one server: acknowledged, kept, listed; a redelivery to the other
        // is a duplicate of it.
        let failing = LoadHook(
            sender: .shopify, headers: LoadHook.shopifyProduct(0).headers,
            body: Array(#"{"title":"a product without an id"}"#.utf8),
            expected: [:], deduplicated: true)
        let kept = try await client.post(failing.request(base: bases[0]))
        #expect(kept.status == 202 && kept.json["kept"] != nil, "\(kept.body)")
        let keptId = try #require(kept.json["hook"] as? String)
        let again = try await client.post(failing.request(base: bases[1]))
        #expect(again.status == 200 && again.json["duplicate"] as? Bool == true, "\(again.body)")
        let failed = try queue.listedByCLI(.failed)
        #expect(failed.map { $0["hook"] as? String } == [keptId], "\(failed)")
        #expect((failed.first?["cause"] as? String)?.contains("shopify.lua") == true, "\(failed)")
        let shown = try CommandRunner.run(["hooks", "show", keptId, "--queue", queue.location])
        #expect(shown.status == 0 && shown.stdout.contains(keptId), "\(shown.stderr)")

        // A refusal at the second server is listed too.
        let forged = try DemoSender.shopify.with(secret: "not-the-secret")
            .request(base: bases[1], headers: failing.headers, body: failing.body)
        #expect(try await client.post(forged).status == 401)
        try await eventually { try await queue.kept(.rejected).count == 1 }
        let rejected = try queue.listedByCLI(.rejected)
        #expect(rejected.first?["cause"] as? String == "unauthorized: the signature does not match the secret")

        #expect(try await first.stop() == 0)
        #expect(try await second.stop() == 0)
        let entries = try await queue.requests().filter { !["100", "101", "102"].contains($0.externalId) }
        let problems = ledger.problems(in: entries, complete: true)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        #expect(ledger.unexpectedAnswers.isEmpty, "\(ledger.unexpectedAnswers.prefix(5))")
        let everyDelivery = try await queue.requests().filter { ["100", "101", "102"].contains($0.externalId) }
        #expect(
            everyDelivery.count == 3 && everyDelivery.allSatisfy { $0.coalesced == 0 }, "a redelivery was committed again")
        try await queue.remove()
    }
}
