import HookRules
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
