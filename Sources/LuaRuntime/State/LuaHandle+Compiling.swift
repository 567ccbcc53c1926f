import CLua
import CLuaShim

/// Compiling rule scripts, and what line coverage reads of them.
extension LuaHandle {
    mutating func compile(_ script: LuaScript) throws(LuaError) {
        if script.text.first == 0x1B {  // LUA_SIGNATURE starts with ESC
            throw LuaError(
                .syntax, "\(script.name) is precompiled Lua bytecode; HookRules only loads rule source text")
        }
        let status = script.text.withUnsafeBufferPointer { text in
            text.withMemoryRebound(to: CChar.self) {
                luaL_loadbufferx(state, $0.baseAddress, $0.count, "@" + script.name, "t")
            }
        }
        guard status == LUA_OK else {
            let (location, message) = LuaSourceLocation.split(errorText(at: -1), knownScripts: [script])
            hr_pop(state, 1)
            throw LuaError(.syntax, message, location: location)
        }
        scriptRefs.append(luaL_ref(state, hr_registry_index()))
        modules.append(.unchecked)
        if countingLines {
            lineCounters.append(try LineCounter(registering: script, in: state))
        }
    }

    /// Moves the line counts gathered since the last call into `hits`.
    func takeLineHits(into hits: inout LineHits) {
        for counter in lineCounters {
            counter.take(into: &hits)
        }
    }

    /// The compiled script as `lua_dump` writes it, with its line tables (not stripped).
    func dump(scriptAt index: Int) -> [UInt8] {
        lua_rawgeti(state, hr_registry_index(), lua_Integer(scriptRefs[index]))
        defer { hr_pop(state, 1) }
        var bytes: [UInt8] = []
        withUnsafeMutablePointer(to: &bytes) { _ = lua_dump(state, appendDumpedBytes, $0, 0) }
        return bytes
    }
}
