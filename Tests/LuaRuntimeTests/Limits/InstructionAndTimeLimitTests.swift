import LuaRuntime
import Testing

@Suite("Instruction budget and wall-clock deadline")
struct InstructionAndTimeLimitTests {
    @Test("an endless loop is stopped by the instruction budget, and the next hook runs normally")
    func endlessLoop() throws {
        var rule = try RuleHarness("return { handle = function() while true do end end }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .instructionLimit)
        #expect(error?.location == LuaSourceLocation(chunk: "rules/test.lua", line: 1))
        try rule.expectHealthy()
    }

    @Test("pcall cannot swallow the stop", arguments: [
        "pcall(function() while true do end end) return 'escaped'",
        "while true do pcall(function() while true do end end) end",
        "for i = 1, 10 do pcall(function() while true do end end) end return 'escaped'",
        "local ok = pcall(error, 'x') while true do ok = pcall(function() local t = {} for i = 1, 1e9 do t[1] = i end end) end",
    ])
    func pcallCannotSwallow(body: String) throws {
        var rule = try RuleHarness("return { handle = function() \(body) end }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .instructionLimit)
        try rule.expectHealthy()
    }

    @Test("xpcall's message handler cannot loop forever")
    func loopingMessageHandler() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              return xpcall(function() error("boom") end, function(message) while true do end end)
            end }
            """)
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .instructionLimit)
        try rule.expectHealthy()
    }

    @Test("xpcall still hands the error to its handler")
    func xpcallWorks() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              return xpcall(function() error("boom", 0) end, function(message) return "handled " .. message end)
            end }
            """)
        #expect(try rule.handle().values == [false, "handled boom"])
    }

    @Test("a coroutine that loops is stopped too")
    func loopingCoroutine() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              local co = coroutine.wrap(function() while true do end end)
              pcall(co)
              return "escaped"
            end }
            """)
        #expect(expectLuaError { _ = try rule.handle() }?.kind == .instructionLimit)
        try rule.expectHealthy()
    }

    @Test("the wall-clock deadline stops a run the instruction budget would allow")
    func deadline() throws {
        let limits = LuaLimits(instructions: .max, wallClock: .milliseconds(50))
        var rule = try RuleHarness("return { handle = function() while true do end end }", limits: limits)
        let started = ContinuousClock.now
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .timeLimit)
        // Not a timing assertion on performance: a deadline that never fired would hang this test instead.
        #expect(ContinuousClock.now - started < .seconds(30))
        try rule.expectHealthy()
    }

    @Test("the instruction budget is per run, not per state")
    func budgetIsPerRun() throws {
        let limits = LuaLimits(instructions: 200_000)
        var rule = try RuleHarness(
            "return { handle = function() local n = 0 for i = 1, 20000 do n = n + i end return n end }",
            limits: limits)
        for _ in 0..<50 {
            #expect(try rule.handle().values == [200_010_000])
        }
    }
}
