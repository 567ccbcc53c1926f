import LuaRuntime
import Testing

/// Nothing one hook does can be seen by a later hook on the same state. Each case runs an attack as one hook, then
/// checks that a later hook of another rule on the same state gives its normal result; the attacks succeed as Lua
/// code (no error) so that the state is reused, not replaced.
@Suite("Sandbox: hooks are isolated from each other")
struct IsolationTests {
    /// A host library whose functions and tables a rule sees, like the rule API.
    static let libraries = [
        LuaLibrary(name: nil, script: LuaScript(name: "=api", text: """
            local prefixes = { Car = "product" }
            return {
              collection_of = function(id) return prefixes[id:sub(1, (id:find(":", 1, true) or 1) - 1)] end,
              settings = { mode = "strict", nested = { depth = 1 } },
            }
            """)),
    ]

    /// The victim: a second rule on the same state, using every library the attacks go after.
    static let victim = """
        return { handle = function(id)
          local parts = {}
          for key, value in pairs({ a = 1 }) do parts[#parts + 1] = key .. "=" .. value end
          return collection_of(id), ("x"):upper(), string.format("%d", 7), table.concat({ "a", "b" }, ","),
            math.floor(2.5), settings.mode, settings.nested.depth, utf8.char(72), #parts, type(next), os.time() > 0
        end }
        """

    static let victimResult: [LuaValue] = ["product", "X", "7", "a,b", 2, "strict", 1, "H", 1, "function", true]

    static func expectVictimUnharmed(_ state: inout LuaState, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let victim = try state.script(named: "rules/victim.lua")
            ?? state.load(LuaScript(name: "rules/victim.lua", text: victim))
        let run = try state.call(victim, function: "handle", arguments: [.value("Car:12")])
        #expect(run.values == victimResult, sourceLocation: sourceLocation)
    }

    @Test("what pairs, next, rawget, getmetatable and ipairs hand out of a library cannot change it", arguments: [
        // pairs on a view used to return the library's own table
        "local f, t = pairs(string) if type(t) == 'table' then rawset(t, 'upper', function() return 'pwned' end) end",
        "local f, t = pairs(table) if type(t) == 'table' then rawset(t, 'concat', function() return 'pwned' end) end",
        "local f, t = pairs(math) if type(t) == 'table' then rawset(t, 'floor', function() return 666 end) end",
        "for k, v in pairs(settings) do if type(v) == 'table' then pcall(rawset, v, 'depth', 666) end end",
        "local f, t, k = pairs(settings) pcall(rawset, t, 'mode', 'lax')",
        "for k, v in pairs(_G) do if type(v) == 'table' then pcall(rawset, v, 'upper', 1) end end",
        "pcall(rawset, settings.nested, 'depth', 666)",
        "pcall(function() settings.nested.depth = 666 end)",
        "local t = next(string) if t then pcall(rawset, string, t, nil) end",
        "local m = getmetatable(string) if type(m) == 'table' then pcall(rawset, m, '__index', {}) end",
        "local m = getmetatable('') if type(m) == 'table' then m.__index = {} end",
        "for i, v in ipairs(string) do end pcall(rawset, string, 1, 1)",
        "local f = pairs(string) local k, v = f(string) pcall(rawset, string, k, 'x')",
        "local it = pairs(string) local k, v = it(nil, nil) if type(v) == 'table' then v.x = 1 end",
        "_G.string = {} collection_of = nil",
        "string = { upper = function() return 'pwned' end }",
        "local env = _ENV setmetatable = nil pcall(function() _ENV.string = nil end)",
    ])
    func libraryViews(attack: String) throws {
        var state = try LuaState(libraries: Self.libraries)
        let attacker = try state.load(LuaScript(name: "rules/attacker.lua", text: """
            return { handle = function() \(attack) return "done" end }
            """))
        _ = try? state.call(attacker, function: "handle")
        try Self.expectVictimUnharmed(&state)
    }

    @Test("a library's own functions still work after a rule tried to poison what they use")
    func hostFunctionsKeepTheirUpvalues() throws {
        var state = try LuaState(libraries: Self.libraries)
        let attacker = try state.load(LuaScript(name: "rules/attacker.lua", text: """
            return { handle = function()
              for _, library in pairs({ string, table, math, utf8, os, coroutine, json }) do
                local iterate, view = pairs(library)
                for name, value in iterate, view do pcall(rawset, library, name, function() return 666 end) end
              end
              return collection_of("Car:1")
            end }
            """))
        #expect(try state.call(attacker, function: "handle").values == ["product"])
        try Self.expectVictimUnharmed(&state)
    }

    @Test("math.randomseed and the random sequence do not carry into the next hook")
    func randomStateIsPerHook() throws {
        var state = try LuaState()
        let seeder = try state.load(LuaScript(name: "rules/seeder.lua", text: """
            return { handle = function(seed)
              math.randomseed(seed)
              return math.random(1, 1 << 40)
            end }
            """))
        let drawer = try state.load(LuaScript(name: "rules/drawer.lua", text: """
            return { handle = function() return math.random(1, 1 << 40), math.random(1, 1 << 40) end }
            """))
        // A seeded generator is deterministic within a hook...
        let seeded = try state.call(seeder, function: "handle", arguments: [.value(42)]).values
        #expect(try state.call(seeder, function: "handle", arguments: [.value(42)]).values == seeded)
        // ...but the hook after it draws from a freshly seeded generator, not the continuation of seed 42.
        var expected = try LuaState()
        let continuation = try expected.load(LuaScript(name: "rules/continuation.lua", text: """
            return { handle = function()
              math.randomseed(42)
              local _ = math.random(1, 1 << 40)
              return math.random(1, 1 << 40), math.random(1, 1 << 40)
            end }
            """))
        let predictable = try expected.call(continuation, function: "handle").values
        _ = try state.call(seeder, function: "handle", arguments: [.value(42)])
        let drawn = try state.call(drawer, function: "handle").values
        #expect(drawn != predictable)
        // Two hooks in a row do not draw the same sequence either.
        #expect(try state.call(drawer, function: "handle").values != state.call(drawer, function: "handle").values)
    }

    @Test("what a hook raises, creates or keeps in a coroutine is gone for the next hook")
    func errorsAndCoroutines() throws {
        var state = try LuaState(libraries: Self.libraries)
        let attacker = try state.load(LuaScript(name: "rules/attacker.lua", text: """
            return { handle = function()
              local box = { secret = "earlier customer" }
              local ok, err = pcall(error, box)
              local co = coroutine.create(function() coroutine.yield(box) end)
              coroutine.resume(co)
              local main = coroutine.running()
              return ok, type(err), coroutine.status(co), type(main)
            end }
            """))
        #expect(try state.call(attacker, function: "handle").values == [false, "table", "suspended", "thread"])
        let reader = try state.load(LuaScript(name: "rules/reader.lua", text: """
            return { handle = function()
              local found = {}
              local main = coroutine.running()
              for _, value in pairs(_G) do if type(value) == "table" and rawget(value, "secret") then found[#found + 1] = 1 end end
              local ok, err = pcall(error)
              return #found, ok, err, coroutine.status(main)
            end }
            """))
        #expect(try state.call(reader, function: "handle").values == [0, false, .nil, "running"])
        try Self.expectVictimUnharmed(&state)
    }

    @Test("a body placeholder kept past its hook (through a leaky host library) refuses to build in a later hook")
    func keptPlaceholder() throws {
        // Trusted code may keep state by mistake; a placeholder it kept must never show a later hook's body.
        let leaky = LuaLibrary(name: "leak", script: LuaScript(name: "=leak", text: """
            local kept
            return { keep = function(t) kept = t end, kept = function() return kept end }
            """))
        var state = try LuaState(libraries: [leaky])
        let keeper = try state.load(LuaScript(name: "rules/keeper.lua", text: """
            return { handle = function(body) leak.keep(body.customer) return body.customer.id end }
            """))
        let reader = try state.load(LuaScript(name: "rules/reader.lua", text: """
            return { handle = function(body) return pcall(function() return leak.kept().id end) end }
            """))
        #expect(try state.call(keeper, function: "handle", arguments: [.lazyJSON(Array(#"{"customer":{"id":1}}"#.utf8))])
            .values == [1])
        let run = try state.call(reader, function: "handle", arguments: [.lazyJSON(Array(#"{"customer":{"id":2}}"#.utf8))])
        #expect(run.values.first == false)
        #expect(run.values.last?.stringValue?.contains("earlier run") == true)
    }

    @Test("the run count is replaced at its end instead of wrapping: a kept placeholder still refuses, nothing crashes")
    func runCountBoundary() throws {
        let leaky = LuaLibrary(name: "leak", script: LuaScript(name: "=leak", text: """
            local kept
            return { keep = function(t) kept = t end, kept = function() return kept end }
            """))
        // Three runs before the end of the count: the last run of this handle is the one numbered UInt.max.
        var state = try LuaState(libraries: Self.libraries + [leaky], runsSoFar: UInt64(UInt.max) - 3)
        let rule = try state.load(LuaScript(name: "rules/boundary.lua", text: """
            return { handle = function(body)
              local earlier = leak.kept()
              local ok, message = true, nil
              if earlier then ok, message = pcall(function() return earlier.id end) end
              leak.keep(body.customer)
              return body.customer.id, ok, message ~= nil
            end }
            """))
        for id in 1...8 {
            let body = Array(#"{"customer":{"id":\#(id)}}"#.utf8)
            let values = try state.call(rule, function: "handle", arguments: [.lazyJSON(body)]).values
            // A placeholder of an earlier run never builds; the first run and the first after the replacement find
            // none kept (the replaced state's libraries start over).
            let nothingKept = id == 1 || id == 4
            #expect(values == [.integer(Int64(id)), .boolean(nothingKept), .boolean(!nothingKept)], "hook \(id)")
        }
        try Self.expectVictimUnharmed(&state)
    }
}
