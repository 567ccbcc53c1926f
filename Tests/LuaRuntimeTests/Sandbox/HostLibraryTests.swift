import LuaRuntime
import Testing

@Suite("Host libraries")
struct HostLibraryTests {
    static let libraries = [
        LuaLibrary(name: "shout", script: LuaScript(name: "=shout", text: """
            return { loud = function(text) return text:upper() .. "!" end }
            """)),
        LuaLibrary(name: nil, script: LuaScript(name: "=dsl", text: """
            -- Trusted code: it may use what rules may not, such as debug.
            return {
              defined_at = function() return debug.getinfo(2, "l").currentline end,
              settings = { mode = "strict" },
            }
            """)),
    ]

    @Test("named libraries and global functions reach rules, read-only")
    func reachRules() throws {
        var state = try LuaState(libraries: Self.libraries)
        let script = try state.load(LuaScript(name: "rules/x.lua", text: """
            return { handle = function()
              local line = defined_at()
              local ok = pcall(function() shout.loud = nil end)
              local ok2 = pcall(function() settings.mode = "lax" end)
              return shout.loud("hi"), line, ok, ok2, settings.mode, debug
            end }
            """))
        #expect(try state.call(script, function: "handle").values == ["HI!", 2, false, false, "strict", .nil])
    }

    @Test("a library that does not return a table is refused")
    func badLibrary() {
        let library = LuaLibrary(name: "bad", script: LuaScript(name: "=bad", text: "return 1"))
        #expect(throws: LuaError.self) { _ = try LuaState(libraries: [library]) }
    }
}
