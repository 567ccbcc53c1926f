import LuaRuntime
import Testing

/// A rule file's module is kept between hooks only when no hook can leave anything behind for the next: each hook
/// still gets a fresh `_ENV`; locals of the file its functions hold (helpers, strings) are watched, and once a hook
/// assigns one the file runs again on every later hook; a file whose functions hold tables, coroutines or stateful
/// closures runs again on every hook.
@Suite("Module reuse keeps hooks isolated")
struct ModuleReuseTests {
    /// Runs `handle` three times and returns each run's first value and log.
    private func threeRuns(_ source: String) throws -> [(value: LuaValue, log: [String])] {
        var rule = try RuleHarness(source)
        return try (1...3).map { _ in
            let run = try rule.handle()
            return (run.values.first ?? .nil, run.log)
        }
    }

    @Test("a stateless module is kept: the file's top level runs once, handle every time")
    func statelessModuleIsKept() throws {
        let runs = try threeRuns("""
            print("file ran")
            local function double(x) return x * 2 end
            return { handle = function() print("handled") return math.tointeger(21 * 2) end, double = double }
            """)
        #expect(runs.map(\.value) == [42, 42, 42])
        #expect(runs.map(\.log) == [["file ran", "handled"], ["handled"], ["handled"]])
    }

    @Test("globals written by one hook are not visible to the next", arguments: [
        "seen = (seen or 0) + 1 return seen",
        "_G.seen = (_G.seen or 0) + 1 return _G.seen",
        "rawset(_G, 'seen', (rawget(_G, 'seen') or 0) + 1) return rawget(_G, 'seen')",
        "local env = _G env.seen = (env.seen or 0) + 1 return seen",
    ])
    func globalsDoNotLeak(body: String) throws {
        let runs = try threeRuns("return { handle = function() \(body) end }")
        #expect(runs.map(\.value) == [1, 1, 1])
    }

    @Test("a global the file sets at its top level is there on every hook")
    func topLevelGlobals() throws {
        let runs = try threeRuns("""
            prefix = "Car"
            return { handle = function() return prefix end }
            """)
        #expect(runs.map(\.value) == ["Car", "Car", "Car"])
    }

    @Test("state kept in the file's locals never reaches the next hook", arguments: [
        "local count = 0\nreturn { handle = function() count = count + 1 return count end }",
        "local function helper() return 1 end\nlocal count = 0\nreturn { handle = function() count = count + helper() return count end }",
        "local cache = {}\nreturn { handle = function() cache[#cache + 1] = 1 return #cache end }",
        "local t = { n = 0 }\nlocal function bump() t.n = t.n + 1 return t.n end\nreturn { handle = bump }",
        "local m = { n = 0 }\nfunction m.handle() m.n = m.n + 1 return m.n end\nreturn m",
        "local _ENV = { n = 0 }\nreturn { handle = function() n = n + 1 return n end }",
        "local co = coroutine.wrap(function() local n = 0 while true do n = n + 1 coroutine.yield(n) end end)\n"
            + "return { handle = function() return co() end, co = co }",
        "local m = { n = 0 }\nm.handle = function() return (string.gsub('x', 'x', function() m.n = m.n + 1 return '' end)) and m.n end\nreturn m",
        "local t = setmetatable({}, { __index = function(t, k) return 0 end })\n"
            + "return { handle = function() t.n = t.n + 1 return t.n end, t = t }",
        "local function one() return 1 end\nlocal function two() return 2 end\n"
            + "return { handle = function() local n = one() one = two return n end }",
        "local count = 0\nlocal function bump() count = count + 1 return count end\n"
            + "local function handle() return bump() end\nreturn { handle = handle }",
        "local label = 'a'\nreturn { handle = function() local n = #label label = label .. 'a' return n end }",
    ])
    func fileLocalsDoNotLeak(source: String) throws {
        let runs = try threeRuns(source)
        #expect(runs.map(\.value) == [1, 1, 1])
    }

    @Test("helpers and constants in the file's locals do not stop the module being kept")
    func localHelpersAreKept() throws {
        let runs = try threeRuns("""
            print("file ran")
            local prefix = "gid://shopify/"
            local function gid(path) return function(value) return prefix .. path .. "/" .. value end end
            local customer = gid "Customer"
            return { handle = function() print("handled") return customer(7) end }
            """)
        #expect(runs.map(\.value) == ["gid://shopify/Customer/7", "gid://shopify/Customer/7", "gid://shopify/Customer/7"])
        #expect(runs.map(\.log) == [["file ran", "handled"], ["handled"], ["handled"]])
    }

    @Test("a local a failing hook assigned never reaches the next hook")
    func failedRunAssigning() throws {
        var rule = try RuleHarness("""
            local mode = "clean"
            return { handle = function(hook)
              local seen = mode
              if hook.dirty then mode = "dirty" error("boom") end
              return seen
            end }
            """)
        func run(dirty: Bool) throws -> LuaValue {
            try rule.handle(.table([("dirty", .value(.boolean(dirty)))])).values.first ?? .nil
        }
        #expect(try run(dirty: false) == "clean")
        #expect(throws: LuaError.self) { try run(dirty: true) }
        #expect(try run(dirty: false) == "clean")
        #expect(try run(dirty: false) == "clean")
    }

    @Test("an iterator made by a library (a C closure with state) in the module makes the file run again")
    func statefulLibraryClosure() throws {
        let runs = try threeRuns("""
            local words = string.gmatch("one two three", "%a+")
            return { handle = function() return words() end, words = words }
            """)
        #expect(runs.map(\.value) == ["one", "one", "one"])
    }

    @Test("library functions kept in the module (plain, metered or wrapped by the sandbox) do not stop it being kept")
    func libraryFunctionsInModule() throws {
        let runs = try threeRuns("""
            print("file ran")
            return { handle = function() print("handled") return 1 end,
              format = string.format, sort = table.sort, find = string.find, floor = math.floor }
            """)
        #expect(runs.map(\.log) == [["file ran", "handled"], ["handled"], ["handled"]])
    }

    @Test("a kept module's rule still sees each hook's own arguments")
    func argumentsPerHook() throws {
        var rule = try RuleHarness("return { handle = function(hook) return hook.n * 2 end }")
        for n in 1...3 {
            #expect(try rule.handle(.table([("n", .value(.integer(Int64(n))))])).values == [.integer(Int64(2 * n))])
        }
    }

    @Test("an environment is reused only while no hook wrote to it")
    func environmentReuse() throws {
        var rule = try RuleHarness("""
            return { handle = function(hook)
              local before = seen
              if hook.write then seen = hook.write end
              return before
            end }
            """)
        func run(writing value: LuaValue) throws -> LuaValue {
            try rule.handle(.table([("write", .value(value))])).values.first ?? .nil
        }
        #expect(try run(writing: .nil) == .nil)
        #expect(try run(writing: .nil) == .nil)
        #expect(try run(writing: "first") == .nil)
        #expect(try run(writing: .nil) == .nil)
        #expect(try run(writing: "second") == .nil)
        #expect(try run(writing: "third") == .nil)
    }
}
