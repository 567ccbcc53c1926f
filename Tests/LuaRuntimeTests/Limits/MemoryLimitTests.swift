import LuaRuntime
import Testing

@Suite("Memory cap")
struct MemoryLimitTests {
    @Test("string.rep(\"x\", 2^31) is refused cleanly, and the next hook runs normally")
    func stringRepBomb() throws {
        var rule = try RuleHarness("return { handle = function() return #string.rep('x', 2^31) end }")
        let error = expectLuaError { _ = try rule.handle() }
        // Lua 5.4 caps string results at INT_MAX bytes, so 2^31 is refused before any allocation.
        #expect(error?.kind == .runtime)
        #expect(error?.message == "resulting string too large")
        try rule.expectHealthy()
    }

    @Test("string.rep(\"x\", 2^30) hits the memory cap, and the next hook runs normally")
    func stringRepUnderLuaCap() throws {
        var rule = try RuleHarness("return { handle = function() return #string.rep('x', 2^30) end }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .memoryLimit)
        try rule.expectHealthy()
    }

    @Test("string concatenation that doubles without end hits the memory cap")
    func concatBomb() throws {
        var rule = try RuleHarness("return { handle = function() local s = 'x' while true do s = s .. s end end }")
        #expect(expectLuaError { _ = try rule.handle() }?.kind == .memoryLimit)
        try rule.expectHealthy()
    }

    @Test("a rule that catches the memory error is stopped anyway")
    func caughtMemoryError() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              local ok = pcall(string.rep, 'x', 2^30)
              local n = 0
              for i = 1, 1e7 do n = n + 1 end
              return ok, n
            end }
            """)
        #expect(expectLuaError { _ = try rule.handle() }?.kind == .memoryLimit)
        try rule.expectHealthy()
    }

    @Test("a table that grows without end hits the cap")
    func growingTable() throws {
        let limits = LuaLimits(memoryBytes: 8 << 20, instructions: .max)
        var rule = try RuleHarness(
            "return { handle = function() local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end end }",
            limits: limits)
        #expect(expectLuaError { _ = try rule.handle() }?.kind == .memoryLimit)
        try rule.expectHealthy()
    }

    @Test("a body bigger than the cap is refused before the rule runs")
    func bodyOverCap() throws {
        let limits = LuaLimits(memoryBytes: 1 << 20)
        var rule = try RuleHarness("return { handle = function(body) return #body end }", limits: limits)
        let body = "[" + Array(repeating: "\"abcdefghijklmnop\"", count: 200_000).joined(separator: ",") + "]"
        let error = expectLuaError { _ = try rule.handle(.json(Array(body.utf8))) }
        #expect(error?.kind == .memoryLimit)
        try rule.expectHealthy()
    }
}
