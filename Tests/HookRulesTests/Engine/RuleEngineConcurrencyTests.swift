import HookModel
import HookRules
import LuaRuntime
import RuleTestSupport
import Testing

@Suite("Rule engine under concurrent load")
struct RuleEngineConcurrencyTests {
    @Test("many tasks through a small pool: every hook gets its own, correct outcome")
    func concurrentHooks() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated" },
              scope = "product/updated",
              id = function(record)
                if record.id % 5 == 0 then error("refusing " .. record.id) end
                return record.id
              end,
            }
            """)
        let outcomes = await withTaskGroup(of: (Int, HookOutcome).self) { group in
            for n in 1...400 {
                group.addTask { (n, await harness.process(body: #"{"id": \#(n)}"#, id: "hook-\(n)")) }
            }
            var collected: [Int: HookOutcome] = [:]
            for await (n, outcome) in group { collected[n] = outcome }
            return collected
        }
        #expect(outcomes.count == 400)
        for (n, outcome) in outcomes {
            #expect(outcome.hookId == "hook-\(n)")
            if n % 5 == 0 {
                #expect(outcome.failed && outcome.errors.first?.message == "refusing \(n)")
            } else {
                #expect(outcome.summary == ["product/updated \(n)"] && outcome.requests.first?.hookId == "hook-\(n)")
            }
        }
    }
}

@Suite("Per-integration limits")
struct PerIntegrationLimitTests {
    @Test("each integration runs under its own limits")
    func limitsPerIntegration() async throws {
        let source = """
            return rule {
              scopes = { "product/updated" }, scope = "product/updated",
              id = function(record) local n = 0 for i = 1, record.loops do n = n + 1 end return n end,
            }
            """
        let book = try RuleBook.load(
            scripts: [("tight", LuaScript(name: "rules/tight.lua", text: source)), ("roomy", LuaScript(name: "rules/roomy.lua", text: source))],
            limitsByIntegration: ["tight": LuaLimits(instructions: 100_000)])
        let subscriptions = [Subscription(id: "t", integration: "tight"), Subscription(id: "r", integration: "roomy")]
        let engine = try RuleEngine(book: book, subscriptions: subscriptions, poolSize: 1)
        let body = Array(#"{"loops": 200000}"#.utf8)
        let tight = await engine.process(Hook(id: "1", subscription: "t", body: body))
        let roomy = await engine.process(Hook(id: "2", subscription: "r", body: body))
        #expect(tight.errors.first?.message.contains("instruction limit") == true, "\(tight.errors)")
        #expect(roomy.summary == ["product/updated 200000"])
    }
}
