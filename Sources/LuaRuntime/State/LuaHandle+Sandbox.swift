import CLua
import CLuaShim

/// Registry references of the sandbox's functions a handle calls.
struct SandboxRefs {
    let newEnvironment: Int32
    let statelessCheck: Int32
    let unchangedCheck: Int32
}

/// Building a state's sandbox: the standard libraries, the host's libraries and the environment every run gets.
extension LuaHandle {
    /// Opens the standard libraries, runs the host libraries and builds the sandbox; returns the registry references
    /// of the sandbox's `new_env`, `is_stateless` and `unchanged` functions.
    static func prepare(
        _ state: OpaquePointer, context: HostContext, limits: LuaLimits, libraries: [LuaLibrary]
    ) throws(LuaError) -> SandboxRefs {
        openStandardLibraries(state)
        let librariesRef = try loadLibraries(libraries, into: state)
        let sandbox = LuaScript(name: SandboxSource.chunkName, text: SandboxSource.text)
        try loadTrustedChunk(sandbox, into: state)
        lua_rawgeti(state, hr_registry_index(), lua_Integer(librariesRef))
        let argumentCount = pushSandboxArguments(state, context: context)
        let refs = try runTrustedChunk(sandbox, in: state, arguments: argumentCount, results: 4)
        context.lazyBodies.metatableRef = refs[1]
        return SandboxRefs(newEnvironment: refs[0], statelessCheck: refs[2], unchangedCheck: refs[3])
    }

    private static func openStandardLibraries(_ state: OpaquePointer) {
        let libraries: [(String, lua_CFunction)] = [
            ("_G", luaopen_base), ("string", luaopen_string), ("table", luaopen_table), ("math", luaopen_math),
            ("utf8", luaopen_utf8), ("coroutine", luaopen_coroutine), ("os", luaopen_os),
            ("debug", luaopen_debug),  // for trusted host libraries only; never in a rule's environment
        ]
        for (name, open) in libraries {
            luaL_requiref(state, name, open, 1)
            hr_pop(state, 1)
        }
    }

    /// Pushes the table the sandbox chunk receives: the host functions it hands to rules, the bounded library and
    /// (under `libraries`) the host libraries' table, which must be on top of the stack; pops that table.
    private static func pushSandboxArguments(_ state: OpaquePointer, context: HostContext) -> Int32 {
        lua_createtable(state, 0, 10)
        hr_insert(state, -2)
        lua_setfield(state, -2, "libraries")
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        let functions: [(String, hr_swift_function)] = [
            ("log", hostLog), ("json_decode", hostJSONDecode), ("xml_decode", hostXMLDecode), ("fresh_seed", hostFreshSeed),
            ("lazy_index", hostLazyIndex), ("lazy_length", hostLazyLength), ("lazy_build", hostLazyBuild),
        ]
        for (name, function) in functions {
            lua_pushlightuserdata(state, contextPointer)
            hr_push_swift_function(state, function, 1)
            lua_setfield(state, -2, name)
        }
        lua_pushlightuserdata(state, nil)
        lua_setfield(state, -2, "json_null")
        BoundedLibrary.push(state)
        lua_setfield(state, -2, "bounded")
        return 1
    }

    /// Loads each library's script; returns a table of the named ones (name → table) and, under the key 1, a table
    /// merging the functions of those exposed as globals.
    private static func loadLibraries(_ libraries: [LuaLibrary], into state: OpaquePointer) throws(LuaError) -> Int32 {
        lua_createtable(state, 1, Int32(libraries.count))
        lua_createtable(state, 0, 0)
        lua_rawseti(state, -2, 1)
        for library in libraries {
            try loadTrustedChunk(library.script, into: state)
            let ref = try runTrustedChunk(library.script, in: state, arguments: 0, results: 1)[0]
            lua_rawgeti(state, hr_registry_index(), lua_Integer(ref))
            luaL_unref(state, hr_registry_index(), ref)
            guard lua_type(state, -1) == LUA_TTABLE else {
                throw LuaError(.contract, "library \(library.script.name) must return a table")
            }
            if var name = library.name {
                name.withUTF8 { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
                hr_insert(state, -2)
                lua_rawset(state, -3)
            } else {
                mergeGlobals(state)
            }
        }
        return luaL_ref(state, hr_registry_index())
    }

    /// Copies the library table on top of the stack into the globals table (key 1 of the table below it); pops it.
    private static func mergeGlobals(_ state: OpaquePointer) {
        lua_rawgeti(state, -2, 1)
        lua_pushnil(state)
        while lua_next(state, -3) != 0 {
            lua_pushvalue(state, -2)
            hr_insert(state, -2)
            lua_rawset(state, -4)
        }
        hr_pop(state, 2)
    }

    /// Compiles host-written Lua, which runs with the full standard library.
    private static func loadTrustedChunk(_ script: LuaScript, into state: OpaquePointer) throws(LuaError) {
        let status = script.text.withUnsafeBufferPointer { text in
            text.withMemoryRebound(to: CChar.self) {
                luaL_loadbufferx(state, $0.baseAddress, $0.count, script.name, "t")
            }
        }
        guard status == LUA_OK else {
            let message = errorText(state, at: -1)
            hr_pop(state, 1)
            throw LuaError(.contract, "host library \(script.name) does not compile: \(message)")
        }
    }

    /// Calls the compiled chunk below its `arguments` and keeps its first `results` results in the registry.
    private static func runTrustedChunk(
        _ script: LuaScript, in state: OpaquePointer, arguments: Int32, results: Int32
    ) throws(LuaError) -> [Int32] {
        guard hr_pcall_traceback(state, arguments, results) == LUA_OK else {
            let message = errorText(state, at: -1)
            hr_pop(state, 1)
            throw LuaError(.contract, "host library \(script.name) failed: \(message)")
        }
        // luaL_ref pops the top: the last result first.
        return (0..<results).map { _ in luaL_ref(state, hr_registry_index()) }.reversed()
    }
}
