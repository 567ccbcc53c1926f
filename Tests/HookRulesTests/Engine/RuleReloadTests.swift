import Foundation
import HookModel
import HookRules
import LuaRuntime
import Synchronization
import Testing

@Suite("Rule reload: a changed rule file replaces the rules without dropping or repeating a hook")
struct RuleReloadTests {
    /// A rule that tags its requests with its version and spends some instructions, so hooks are in flight
    /// while reloads happen.
    static func rule(version: Int) -> String {
        """
        return rule {
          scopes = { "product/updated" },
          scope = "product/updated",
          id = function(record, hook)
            local spin = 0
            for i = 1, 20000 do spin = spin + i end
            print("v\(version) " .. hook.id)
            return "v\(version)-" .. record.id
          end,
        }
        """
    }

    static func book(version: Int) throws -> RuleBook {
        try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: Array(rule(version: version).utf8)))])
    }

    @Test("under concurrent load every hook is processed exactly once, wholly by the old or the new rule")
    func reloadUnderLoad() async throws {
        let subscription = Subscription(id: "s", integration: "shop")
        let engine = try RuleEngine(book: try Self.book(version: 1), subscriptions: [subscription], poolSize: 4)
        let hooks = 2_000
        let reloads = 20
        let started = Counter()
        let reloadsDone = Counter()

        let outcomes = try await withThrowingTaskGroup(of: [HookOutcome].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [HookOutcome] = []
                    for index in stride(from: worker, to: hooks, by: 8) {
                        // Keep pace with the reloads so hooks run on many generations whatever the scheduling.
                        while reloadsDone.value.load(ordering: .relaxed) < index * reloads / hooks - 1 {
                            await Task.yield()
                        }
                        started.value.add(1, ordering: .relaxed)
                        mine.append(await engine.process(Hook(
                            id: "h\(index)", subscription: "s",
                            body: Array(#"{"id": \#(index)}"#.utf8))))
                    }
                    return mine
                }
            }
            group.addTask {
                // Reload while hooks run: each new generation alternates between rule versions 1 and 2.
                for reload in 1...reloads {
                    while started.value.load(ordering: .relaxed) < reload * hooks / (reloads + 2) { await Task.yield() }
                    try engine.reload(book: try Self.book(version: reload % 2 == 0 ? 1 : 2))
                    reloadsDone.value.add(1, ordering: .relaxed)
                }
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        #expect(engine.generation == reloads + 1)
        #expect(outcomes.count == hooks)
        #expect(Set(outcomes.map(\.hookId)).count == hooks, "a hook was lost or processed twice")
        var generationsSeen = Set<Int>()
        for outcome in outcomes {
            #expect(!outcome.failed, "\(outcome.errors)")
            // Generation 1 and every even one run version 1; odd reloads run version 2.
            let version = outcome.generation % 2 == 0 ? 2 : 1
            #expect(outcome.requests.map(\.externalId) == ["v\(version)-\(outcome.hookId.dropFirst())"])
            #expect(outcome.log == ["v\(version) \(outcome.hookId)"], "the rule ran once, by one version")
            generationsSeen.insert(outcome.generation)
        }
        #expect(generationsSeen.count > 2, "hooks ran on several generations: \(generationsSeen.sorted())")
    }

    @Test("a reload that changes one rule leaves the other rules serving")
    func unchangedRulesKeepStates() async throws {
        let other = LuaScript(name: "rules/crm.lua", text: Array(#"return rule { scopes = { "customer/updated" }, scope = "customer/updated", id = field "id" }"#.utf8))
        let first = try RuleBook.load(scripts: [
            ("shop", LuaScript(name: "rules/shop.lua", text: Array(Self.rule(version: 1).utf8))), ("crm", other),
        ])
        let engine = try RuleEngine(book: first, subscriptions: [Subscription(id: "c", integration: "crm")], poolSize: 1)
        let second = try RuleBook.load(scripts: [
            ("shop", LuaScript(name: "rules/shop.lua", text: Array(Self.rule(version: 2).utf8))), ("crm", other),
        ])
        try engine.reload(book: second)
        let outcome = await engine.process(Hook(id: "h", subscription: "c", body: Array(#"{"id": 5}"#.utf8)))
        #expect(outcome.requests.map(\.externalId) == ["5"] && outcome.generation == 2)
    }
}

/// Hooks started so far, shared by the tasks of the load test.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
