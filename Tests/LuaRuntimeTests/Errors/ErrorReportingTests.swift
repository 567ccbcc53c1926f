import LuaRuntime
import Testing

@Suite("Errors a rule author can act on")
struct ErrorReportingTests {
    @Test("a syntax error names the file and line")
    func syntaxError() throws {
        var state = try LuaState()
        let error = expectLuaError {
            _ = try state.load(LuaScript(name: "rules/broken.lua", text: "return {\n  a = 1,\n  b = = 2\n}"))
        }
        #expect(error?.kind == .syntax)
        #expect(error?.location == LuaSourceLocation(chunk: "rules/broken.lua", line: 3))
        #expect(error?.description.hasPrefix("rules/broken.lua:3: unexpected symbol") == true, "\(error?.description ?? "")")
    }

    @Test("a runtime error names file, line, message and carries a traceback")
    func runtimeError() throws {
        var rule = try RuleHarness("""
            local function id_of(record)
              return record.customer.id
            end
            return { handle = function(body)
              local id = id_of(body)
              return id
            end }
            """, name: "rules/shop.lua")
        let error = expectLuaError { _ = try rule.handle(.json(Array("{}".utf8))) }
        #expect(error?.kind == .runtime)
        #expect(error?.location == LuaSourceLocation(chunk: "rules/shop.lua", line: 2))
        #expect(error?.message.contains("customer") == true)
        #expect(error?.traceback?.contains("rules/shop.lua:5") == true, "\(error?.traceback ?? "no traceback")")
        try rule.expectHealthy()
    }

    @Test("error() with a table value is reported, not crashed on")
    func tableErrorValue() throws {
        var rule = try RuleHarness("return { handle = function() error({ code = 1 }) end }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.message == "(error object is a table value)")
    }

    @Test("what the rule printed before failing is kept with the error")
    func logKept() throws {
        var rule = try RuleHarness("return { handle = function() print('looking at it') error('nope') end }")
        #expect(expectLuaError { _ = try rule.handle() }?.log == ["looking at it"])
    }

    @Test("a long rule path still gets its full name back")
    func longChunkName() throws {
        let name = "rules/" + String(repeating: "very-long-folder/", count: 5) + "system.lua"
        var rule = try RuleHarness("return { handle = function() error('x') end }", name: name)
        #expect(expectLuaError { _ = try rule.handle() }?.location == LuaSourceLocation(chunk: name, line: 1))
    }

    @Test("a missing entry point is a contract error")
    func missingFunction() throws {
        var rule = try RuleHarness("return { other = function() end }")
        #expect(expectLuaError { _ = try rule.handle() }?.kind == .contract)
    }
}
