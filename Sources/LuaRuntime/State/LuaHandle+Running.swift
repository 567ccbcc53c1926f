import CLua
import CLuaShim

/// Running a script: a fresh environment per run, the script's module kept when nothing in it can carry a value from
/// one run to the next, the budget hook installed for the run's length.
extension LuaHandle {
    /// Runs a script in a fresh environment, then (with a `function` name) calls that function of the module it
    /// returned.
    ///
    /// Isolation between runs: every run gets a new, empty environment as the script's `_ENV`. The first time, the
    /// script runs to make its module; when the sandbox's `is_stateless` proves that nothing reachable from that
    /// module can carry a value from one run to the next except through `_ENV` and upvalues it watches (locals of
    /// the file holding strings, numbers, booleans or stateless functions), the module is kept and later runs only
    /// swap in the fresh `_ENV` (the upvalue every function of the file shares) instead of running the file again.
    /// After each run that reused it, the watched upvalues are checked: if a run assigned one, the file runs again
    /// on every later call, so the value never reaches another run. Otherwise the file runs again on every call.
    ///
    /// The results are first offered to `read`: when it returns a value, that is the run's reading and the generic
    /// ``LuaValueReader`` does not run (`values` stay empty); when it declines (nil), they are read into ``LuaValue``s.
    mutating func run<Read>(
        scriptAt index: Int, of scripts: [LuaScript], function: String?, arguments: [LuaInput],
        reading read: (LuaResults) -> Read?
    ) throws(LuaError) -> (read: Read?, run: LuaRun) {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        memory.pointee.exceeded = false
        _ = context.log.take()
        context.lazyBodies.startRun()
        defer { context.lazyBodies.endRun() }
        context.budget.start(instructions: limits.instructions, wallClock: limits.wallClock)
        installBudgetHook()
        defer {
            hr_clear_budget_hook(state)
            context.budget.finish()
        }

        // A fresh environment, installed as the chunk's _ENV (its first upvalue), so nothing carries over.
        if let untouchedEnvironmentRef {
            lua_rawgeti(state, hr_registry_index(), lua_Integer(untouchedEnvironmentRef))
        } else {
            lua_rawgeti(state, hr_registry_index(), lua_Integer(newEnvironmentRef))
            guard hr_pcall_traceback(state, 0, 1) == LUA_OK else {
                throw LuaError(.memoryLimit, "could not build the rule environment: \(errorText(at: -1))")
            }
        }
        lua_rawgeti(state, hr_registry_index(), lua_Integer(scriptRefs[index]))
        hr_insert(state, -2)
        _ = lua_setupvalue(state, -2, 1)

        var reused: (module: Int32, watch: Int32)?
        // Declared after the stack and budget defers, so it runs before them, whether the run failed or not.
        defer { if let reused { stopReusingIfAssigned(reused, ofScriptAt: index) } }
        if function != nil, case .reuse(let moduleRef, let watchRef) = modules[index] {
            reused = (moduleRef, watchRef)
            hr_pop(state, 1)
            lua_rawgeti(state, hr_registry_index(), lua_Integer(moduleRef))
        } else {
            lua_pushvalue(state, -1)
            try protectedCall(arguments: 0, results: function == nil ? hr_multret() : 1, scripts: scripts)
            if function != nil, case .unchecked = modules[index] {
                modules[index] = moduleReuse(moduleAt: -1, chunkAt: -2)
                // This run's call may assign a watched local too: checked after it like any later run's.
                if case .reuse(let moduleRef, let watchRef) = modules[index] { reused = (moduleRef, watchRef) }
            }
            hr_remove(state, base + 1)  // the chunk
        }
        if let function {
            try pushFunction(named: function, from: scripts[index])
            let writer = LuaInputWriter(
                state: state, memory: memory, jsonDepth: limits.jsonDepth, formPairs: limits.formPairs,
                xmlElements: limits.xmlElements,
                lazyBodies: context.lazyBodies)
            for (position, argument) in arguments.enumerated() {
                try writer.push(argument, name: "argument \(position + 1)")
            }
            try protectedCall(arguments: Int32(arguments.count), results: hr_multret(), scripts: scripts)
        }
        let first = base + 1 + (function == nil ? 0 : 1)  // the module table stays below a called function's results
        let outcome = try readResults(from: first, reading: read)
        keepEnvironmentIfUntouched(ofScriptAt: index)
        return outcome
    }

    private func installBudgetHook() {
        hr_set_budget_hook(
            state, budgetCheck, budgetPoll, Unmanaged.passUnretained(context.budget).toOpaque(),
            ExecutionBudget.checkInterval)
    }

    /// Keeps the run's environment for the next run when it still holds nothing but `_G` (itself); drops it otherwise.
    private mutating func keepEnvironmentIfUntouched(ofScriptAt index: Int) {
        guard lua_checkstack(state, 4) != 0 else { return }
        lua_rawgeti(state, hr_registry_index(), lua_Integer(scriptRefs[index]))
        _ = lua_getupvalue(state, -1, 1)
        let environment = lua_absindex(state, -1)
        var untouched = lua_type(state, environment) == LUA_TTABLE
        var keys = 0
        lua_pushnil(state)
        while untouched, lua_next(state, environment) != 0 {
            keys += 1
            untouched = keys == 1 && lua_type(state, -2) == LUA_TSTRING && String(cString: lua_tolstring(state, -2, nil)) == "_G"
                && lua_rawequal(state, -1, environment) != 0
            hr_pop(state, untouched ? 1 : 2)
        }
        untouched = untouched && keys == 1
        if untouched, untouchedEnvironmentRef == nil {
            lua_pushvalue(state, environment)
            untouchedEnvironmentRef = luaL_ref(state, hr_registry_index())
        } else if !untouched, let ref = untouchedEnvironmentRef {
            luaL_unref(state, hr_registry_index(), ref)
            untouchedEnvironmentRef = nil
        }
        hr_pop(state, 2)
    }

    /// After a run that reused a module: when the run assigned one of the upvalues the module's functions share
    /// (the sandbox's `unchanged` says so, or cannot tell), the module is dropped and the file runs again on every
    /// later call. Runs trusted, bounded code with the budget hook off.
    private mutating func stopReusingIfAssigned(_ reused: (module: Int32, watch: Int32), ofScriptAt index: Int) {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        hr_clear_budget_hook(state)
        var unchanged = false
        if lua_checkstack(state, 3) != 0 {
            lua_rawgeti(state, hr_registry_index(), lua_Integer(unchangedCheckRef))
            lua_rawgeti(state, hr_registry_index(), lua_Integer(reused.watch))
            unchanged = hr_pcall_traceback(state, 1, 1) == LUA_OK && lua_toboolean(state, -1) != 0
        }
        guard !unchanged else { return }
        luaL_unref(state, hr_registry_index(), reused.module)
        luaL_unref(state, hr_registry_index(), reused.watch)
        modules[index] = .rerun
    }

    /// Asks the sandbox whether the module just made can be kept (see `run`). Runs trusted, bounded code with the
    /// budget hook off, so a rule's remaining budget does not decide it.
    private func moduleReuse(moduleAt moduleIndex: Int32, chunkAt chunkIndex: Int32) -> ModuleReuse {
        let module = lua_absindex(state, moduleIndex), chunk = lua_absindex(state, chunkIndex)
        guard lua_type(state, module) == LUA_TTABLE, lua_checkstack(state, 5) != 0 else { return .rerun }
        hr_clear_budget_hook(state)
        defer { installBudgetHook() }
        lua_rawgeti(state, hr_registry_index(), lua_Integer(statelessCheckRef))
        lua_pushvalue(state, module)
        lua_pushvalue(state, chunk)
        _ = lua_getupvalue(state, chunk, 1)
        guard hr_pcall_traceback(state, 3, 1) == LUA_OK else {
            hr_pop(state, 1)
            return .rerun
        }
        // The watch list (a table) when the module can be kept, false when not.
        guard lua_type(state, -1) == LUA_TTABLE else {
            hr_pop(state, 1)
            return .rerun
        }
        let watch = luaL_ref(state, hr_registry_index())
        lua_pushvalue(state, module)
        return .reuse(module: luaL_ref(state, hr_registry_index()), watch: watch)
    }

    /// Builds `input` in the state and drops it again, without running Lua code.
    func materialize(_ input: LuaInput) throws(LuaError) {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        context.lazyBodies.startRun()
        defer { context.lazyBodies.endRun() }
        try LuaInputWriter(
                state: state, memory: memory, jsonDepth: limits.jsonDepth, formPairs: limits.formPairs,
                xmlElements: limits.xmlElements,
                lazyBodies: context.lazyBodies).push(input, name: "input")
    }

    /// Replaces the module table on top of the stack with module[name], which must be a function.
    private func pushFunction(named name: String, from script: LuaScript) throws(LuaError) {
        guard lua_type(state, -1) == LUA_TTABLE else {
            let typeName = String(cString: lua_typename(state, lua_type(state, -1)))
            throw LuaError(.contract, "\(script.name) must return a table with a function '\(name)', not a \(typeName)")
        }
        var key = name
        key.withUTF8 { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
        lua_rawget(state, -2)
        guard lua_type(state, -1) == LUA_TFUNCTION else {
            throw LuaError(.contract, "\(script.name) returns no function '\(name)'")
        }
    }
}
