import LuaRuntime
import Testing

@Suite("Sandbox: what a rule can reach")
struct SandboxTests {
    @Test("dangerous globals are absent", arguments: [
        "os.execute", "os.exit", "os.getenv", "os.remove", "os.rename", "os.tmpname", "io", "require", "package",
        "debug", "load", "loadstring", "dofile", "loadfile", "collectgarbage", "string.dump", "module",
        "('').dump", "('').rep and ('x').dump",
    ])
    func absent(expression: String) throws {
        var rule = try RuleHarness("return \(expression)")
        #expect(try rule.result() == .nil)
    }

    @Test("safe parts of os stay", arguments: ["os.time", "os.date", "os.clock", "os.difftime"])
    func osSubset(expression: String) throws {
        var rule = try RuleHarness("return type(\(expression))")
        #expect(try rule.result() == "function")
    }

    @Test("calling what is absent is a clear runtime error with the rule's line")
    func callingAbsent() throws {
        var rule = try RuleHarness("return { handle = function()\n  return io.open('/etc/passwd')\nend }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .runtime)
        #expect(error?.location == LuaSourceLocation(chunk: "rules/test.lua", line: 2))
        #expect(error?.message.contains("io") == true)
        try rule.expectHealthy()
    }

    @Test("setmetatable refuses __gc")
    func noFinalizers() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              setmetatable({}, { __gc = function() while true do end end })
            end }
            """)
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .runtime)
        #expect(error?.message.contains("__gc") == true)
        #expect(error?.location?.line == 2)
        try rule.expectHealthy()
    }

    @Test("setmetatable still works for ordinary metatables")
    func ordinaryMetatables() throws {
        var rule = try RuleHarness("""
            local t = setmetatable({}, { __index = function(_, key) return key .. "!" end })
            return t.hello
            """)
        #expect(try rule.result() == "hello!")
    }

    @Test("the string metatable is hidden and cannot be poisoned for the next hook")
    func stringMetatable() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              local meta = getmetatable("")
              if type(meta) == "table" then meta.__index.upper = function() return "pwned" end end
              pcall(function() string.upper = function() return "pwned" end end)
              return meta, ("a"):upper()
            end }
            """)
        #expect(try rule.handle().values == [false, "A"])
        try rule.expectHealthy()
    }

    @Test("getmetatable('').__index is not usable")
    func stringMetatableIndex() throws {
        var rule = try RuleHarness("return { handle = function() return getmetatable('').__index end }")
        #expect(expectLuaError { _ = try rule.handle() }?.kind == .runtime)
        try rule.expectHealthy()
    }

    @Test("globals and upvalues do not leak into the next hook")
    func noLeaks() throws {
        var rule = try RuleHarness("""
            counter = (counter or 0) + 1
            local calls = 0
            return { handle = function()
              calls = calls + 1
              leaked = (leaked or 0) + 1
              return counter, calls, leaked
            end }
            """)
        #expect(try rule.handle().values == [1, 1, 1])
        #expect(try rule.handle().values == [1, 1, 1])
        try rule.expectHealthy()
    }

    @Test("libraries are read-only, also through rawset and setmetatable", arguments: [
        "table.insert = nil", "math.floor = function() return 0 end", "string.upper = nil", "json.null = 1",
        "rawset(string, 'upper', nil)", "setmetatable(math, {})", "setmetatable(_G, {})",
    ])
    func readOnlyLibraries(statement: String) throws {
        var rule = try RuleHarness("return { handle = function() \(statement) end }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .runtime)
        #expect(error?.location?.line == 1)
        try rule.expectHealthy()
        var check = try RuleHarness("return { handle = function() return math.floor(2.5), type(table.insert), ('a'):upper() end }")
        #expect(try check.handle().values == [2, "function", "A"])
    }

    @Test("libraries can still be iterated")
    func iterateLibrary() throws {
        var rule = try RuleHarness("local n = 0 for name in pairs(string) do n = n + 1 end return n > 10, string.dump")
        #expect(try rule.state.call(rule.script).values == [true, .nil])
    }

    @Test("bytecode is rejected with a clear message")
    func bytecode() throws {
        var state = try LuaState()
                let error = expectLuaError { _ = try state.load(LuaScript(name: "rules/compiled.lua", text: compiledReturnOne)) }
        #expect(error?.kind == .syntax)
        #expect(error?.message.contains("bytecode") == true)
    }

    @Test("print goes to a capped log")
    func printIsCapped() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              print("hello", 1, nil, true)
              for i = 1, 1000 do print(i) end
            end }
            """)
        let log = try rule.handle().log
        #expect(log.first == "hello\t1\tnil\ttrue")
        #expect(log.count == LuaLimits().logLines + 1)
        #expect(log.last?.contains("more lines dropped") == true)
    }

    @Test("pattern functions answer to the deadline, also through method calls")
    func patternDeadline() throws {
        var rule = try RuleHarness("""
            return { handle = function(method)
              local subject = string.rep("a", 100000)
              if method then return subject:find(".-.-.-b") end
              return string.find(subject, ".-.-.-b")
            end }
            """, limits: LuaLimits(wallClock: .milliseconds(200)))
        for method in [false, true] {
            let error = expectLuaError { _ = try rule.handle(.value(.boolean(method))) }
            #expect(error?.kind == .timeLimit)
            #expect(error?.location == LuaSourceLocation(chunk: "rules/test.lua", line: method ? 3 : 4))
        }
        try rule.expectHealthy()
    }

    @Test("unbounded recursion is a clean error")
    func recursion() throws {
        var rule = try RuleHarness("return { handle = function() local function f() return 1 + f() end return f() end }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .runtime || error?.kind == .memoryLimit)
        try rule.expectHealthy()
    }
}
