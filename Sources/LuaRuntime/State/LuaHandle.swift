import CLua
import CLuaShim

/// The C state and everything allocated beside it. Closing it (in `deinit`) frees all of them together.
struct LuaHandle: ~Copyable {
    private let state: OpaquePointer
    private let memory: UnsafeMutablePointer<MemoryAccount>
    private let context: HostContext
    private let limits: LuaLimits
    private let newEnvironmentRef: Int32
    private let statelessCheckRef: Int32
    private var scriptRefs: [Int32] = []
    /// With line counting on, the shim's counters of each compiled script; empty otherwise.
    private var lineCounters: [LineCounter] = []
    private let countingLines: Bool
    /// How Lua names the host's own chunks (the sandbox, host libraries) in messages: never a rule's location.
    private let hostChunkNames: [String]
    private var modules: [ModuleReuse] = []
    /// The environment of the last run, when that run left it as it was made (no global set): the next run can use
    /// it instead of a new one, as there is nothing in it to carry over.
    private var untouchedEnvironmentRef: Int32?

    /// Heap growth (percent) that triggers a minor collection. One hook's garbage is a large share of a state's small
    /// heap (about 60 KiB), so Lua's default of 20 % collected after nearly every hook; 50 % measured a few percent
    /// faster (40-60 % alike, 80 % and more slower again) and RSS stays flat over a million hooks.
    private static let minorCollectionGrowth: Int32 = 50

    /// Whether a script's module is kept for later calls instead of running the script again (see `run`).
    private enum ModuleReuse {
        case unchecked, rerun
        case reuse(Int32)
    }

    init(
        limits: LuaLimits, libraries: [LuaLibrary], countingLines: Bool = false, runsSoFar: UInt64 = 0
    ) throws(LuaError) {
        let memory = UnsafeMutablePointer<MemoryAccount>.allocate(capacity: 1)
        memory.initialize(to: MemoryAccount(limit: limits.memoryBytes))
        // Until a rule runs, Swift is in charge: allocations must not fail (see MemoryAccount).
        memory.pointee.hostIsBuilding = true
        guard let state = hr_newstate(luaAllocate, memory) else {
            memory.deallocate()
            throw LuaError(.memoryLimit, "could not create a Lua state")
        }
        let context = HostContext(limits: limits, memory: memory, runsSoFar: runsSoFar)
        let sandboxRefs: (newEnvironment: Int32, statelessCheck: Int32)
        do {
            sandboxRefs = try Self.prepare(state, context: context, limits: limits, libraries: libraries)
            // Every run leaves only short-lived garbage (its env, the hook's tables) on top of a large, long-lived
            // heap (libraries, compiled rules): the case generational collection is made for.
            hr_gc_generational(state, Self.minorCollectionGrowth, 0)
        } catch {
            hr_closestate(state)
            memory.deallocate()
            throw error
        }
        self.state = state
        memory.pointee.state = state
        self.memory = memory
        self.context = context
        self.limits = limits
        self.countingLines = countingLines
        hostChunkNames = [LuaScript(name: SandboxSource.chunkName, text: []).displayedName]
            + libraries.map(\.script.displayedName)
        newEnvironmentRef = sandboxRefs.newEnvironment
        statelessCheckRef = sandboxRefs.statelessCheck
    }

    /// Opens the standard libraries, runs the host libraries and builds the sandbox; returns the registry references
    /// of the sandbox's `new_env` and `is_stateless` functions.
    private static func prepare(
        _ state: OpaquePointer, context: HostContext, limits: LuaLimits, libraries: [LuaLibrary]
    ) throws(LuaError) -> (newEnvironment: Int32, statelessCheck: Int32) {
        openStandardLibraries(state)
        let librariesRef = try loadLibraries(libraries, into: state)
        let sandbox = LuaScript(name: SandboxSource.chunkName, text: SandboxSource.text)
        try loadTrustedChunk(sandbox, into: state)
        lua_rawgeti(state, hr_registry_index(), lua_Integer(librariesRef))
        let argumentCount = pushSandboxArguments(state, context: context)
        let refs = try runTrustedChunk(sandbox, in: state, arguments: argumentCount, results: 3)
        context.lazyBodies.metatableRef = refs[1]
        return (refs[0], refs[2])
    }

    deinit {
        hr_closestate(state)
        memory.deallocate()
    }

    var memoryInUse: Int { memory.pointee.used }

    // MARK: Loading

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

    // MARK: Coverage

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
            ("log", hostLog), ("json_decode", hostJSONDecode), ("fresh_seed", hostFreshSeed),
            ("lazy_index", hostLazyIndex), ("lazy_length", hostLazyLength), ("lazy_build", hostLazyBuild),
        ]
        for (name, function) in functions {
            lua_pushlightuserdata(state, contextPointer)
            hr_push_swift_function(state, function, 1)
            lua_setfield(state, -2, name)
        }
        lua_pushlightuserdata(state, nil)
        lua_setfield(state, -2, "json_null")
        hr_push_bounded_library(state)
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

    // MARK: Running

    /// Runs a script in a fresh environment, then (with a `function` name) calls that function of the module it
    /// returned.
    ///
    /// Isolation between runs: every run gets a new, empty environment as the script's `_ENV`. The first time, the
    /// script runs to make its module; when the sandbox's `is_stateless` proves that nothing reachable from that
    /// module can carry a value from one run to the next except through `_ENV`, the module is kept and later runs
    /// only swap in the fresh `_ENV` (the upvalue every function of the file shares) instead of running the file
    /// again. Otherwise the file runs again on every call, as before.
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

        if function != nil, case .reuse(let moduleRef) = modules[index] {
            hr_pop(state, 1)
            lua_rawgeti(state, hr_registry_index(), lua_Integer(moduleRef))
        } else {
            lua_pushvalue(state, -1)
            try protectedCall(arguments: 0, results: function == nil ? hr_multret() : 1, scripts: scripts)
            if function != nil, case .unchecked = modules[index] {
                modules[index] = moduleReuse(moduleAt: -1, chunkAt: -2)
            }
            hr_remove(state, base + 1)  // the chunk
        }
        if let function {
            try pushFunction(named: function, from: scripts[index])
            let writer = LuaInputWriter(
                state: state, memory: memory, jsonDepth: limits.jsonDepth, formPairs: limits.formPairs,
                lazyBodies: context.lazyBodies)
            for (position, argument) in arguments.enumerated() {
                try writer.push(argument, name: "argument \(position + 1)")
            }
            try protectedCall(arguments: Int32(arguments.count), results: hr_multret(), scripts: scripts)
        }
        let first = base + 1 + (function == nil ? 0 : 1)  // the module table stays below a called function's results
        let resultsTop = lua_gettop(state)
        let reading = read(LuaResults(state: state, first: first, count: Int(max(0, resultsTop - first + 1))))
        lua_settop(state, resultsTop)  // what a reader that stopped early left above the results
        if let reading {
            keepEnvironmentIfUntouched(ofScriptAt: index)
            return (reading, LuaRun(values: [], log: context.log.take(), instructions: context.budget.instructionsUsed))
        }
        var values: [LuaValue] = []
        for slot in first...max(first, resultsTop) where slot <= resultsTop {
            var reader = LuaValueReader(state: state, lazyBodies: context.lazyBodies, memory: memory)
            do {
                values.append(try reader.read(at: slot, name: "result \(slot - first + 1)"))
            } catch {
                throw LuaError(.unconvertibleResult, error.message, log: context.log.take())
            }
        }
        keepEnvironmentIfUntouched(ofScriptAt: index)
        return (nil, LuaRun(values: values, log: context.log.take(), instructions: context.budget.instructionsUsed))
    }

    private func installBudgetHook() {
        hr_set_budget_hook(
            state, budgetCheck, budgetPoll, Unmanaged.passUnretained(context.budget).toOpaque(),
            ExecutionBudget.checkInterval)
    }

    /// Whether the run count of the state's placeholders reached its end: the state must be replaced.
    var isRunCountExhausted: Bool { context.lazyBodies.isExhausted }

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
        let stateless = lua_toboolean(state, -1) != 0
        hr_pop(state, 1)
        guard stateless else { return .rerun }
        lua_pushvalue(state, module)
        return .reuse(luaL_ref(state, hr_registry_index()))
    }

    /// Builds `input` in the state and drops it again, without running Lua code.
    func materialize(_ input: LuaInput) throws(LuaError) {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        context.lazyBodies.startRun()
        defer { context.lazyBodies.endRun() }
        try LuaInputWriter(
                state: state, memory: memory, jsonDepth: limits.jsonDepth, formPairs: limits.formPairs,
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

    /// Calls the function below `arguments` with the limits enforced, turning a failure into a ``LuaError``.
    ///
    /// A run during which any limit tripped has failed, even if the rule caught the error (with `pcall`, or at a
    /// coroutine's boundary) and returned normally.
    private func protectedCall(arguments: Int32, results: Int32, scripts: [LuaScript]) throws(LuaError) {
        memory.pointee.hostIsBuilding = false
        let status = hr_pcall_traceback(state, arguments, results)
        memory.pointee.hostIsBuilding = true
        let limit = context.budget.limitReached
        guard status != LUA_OK || limit != nil else { return }

        var location: LuaSourceLocation?
        var text = "the rule stopped"
        var traceback: String?
        if status != LUA_OK {
            hr_take_traceback(state)
            traceback = lua_type(state, -1) == LUA_TSTRING ? errorText(at: -1) : nil
            hr_pop(state, 1)
            (location, text) = LuaSourceLocation.split(errorText(at: -1), knownScripts: scripts)
            if location == nil {
                // A message positioned in the host's own Lua (the sandbox, the rule API) is the rule's doing at the
                // rule's line, found below; the internal position means nothing to a rule author.
                text = LuaSourceLocation.split(text, knownChunks: hostChunkNames).1
            }
        }
        // Where the rule's own code was when the run first failed: for a limit, where it tripped (the message may
        // come from a later instruction, after a pcall); for an error raised in a library or the rule API, the
        // innermost line of the rule that led there.
        let fault = faultLocation(in: scripts)
        if limit != nil || location == nil { location = fault ?? location }
        let log = context.log.take()
        switch limit {
        case .instructions:
            throw LuaError(.instructionLimit, ExecutionBudget.message(for: .instructions, limits: limits),
                location: location, traceback: traceback, log: log)
        case .time:
            throw LuaError(.timeLimit, ExecutionBudget.message(for: .time, limits: limits),
                location: location, traceback: traceback, log: log)
        case .memory:
            throw LuaError(.memoryLimit, ExecutionBudget.message(for: .memory, limits: limits),
                location: location, traceback: traceback, log: log)
        case nil where status == LUA_ERRMEM:
            throw LuaError(.memoryLimit, ExecutionBudget.message(for: .memory, limits: limits),
                location: location, traceback: traceback, log: log)
        case nil:
            throw LuaError(.runtime, text, location: location, traceback: traceback, log: log)
        }
    }

    /// The rule line the shim recorded for the run's first fault, when it is in one of `scripts`.
    private func faultLocation(in scripts: [LuaScript]) -> LuaSourceLocation? {
        let line = Int(hr_fault_line(state))
        guard line > 0, let source = hr_fault_source(state) else { return nil }
        let name = String(cString: source)
        guard let script = scripts.first(where: { $0.name == name }) else { return nil }
        return LuaSourceLocation(chunk: script.name, line: line)
    }

    private func errorText(at index: Int32) -> String {
        Self.errorText(state, at: index)
    }

    /// The error value at `index` as text, without running `__tostring` (no Lua code runs from here).
    private static func errorText(_ state: OpaquePointer, at index: Int32) -> String {
        switch lua_type(state, index) {
        case LUA_TSTRING, LUA_TNUMBER:
            var length = 0
            let bytes = lua_tolstring(state, index, &length)
            return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
        default:
            let typeName = String(cString: lua_typename(state, lua_type(state, index)))
            return "(error object is a \(typeName) value)"
        }
    }
}

extension LuaSourceLocation {
    /// Splits a Lua message at the location of one of `scripts`, reporting the script's full name.
    static func split(_ text: String, knownScripts: [LuaScript]) -> (LuaSourceLocation?, String) {
        let (location, message) = split(text, knownChunks: knownScripts.map(\.displayedName))
        guard var location else { return (nil, message) }
        if let script = knownScripts.first(where: { $0.displayedName == location.chunk }) {
            location.chunk = script.name
        }
        return (location, message)
    }
}
