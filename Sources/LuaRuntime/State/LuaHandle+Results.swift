import CLua
import CLuaShim

/// Reading a run's results, and turning a failed call into a ``LuaError`` that names the rule's file and line.
extension LuaHandle {
    /// Offers the results from stack index `first` up to `read`; when it declines (nil), reads them into
    /// ``LuaValue``s. Inlined into `run`: called across modules with an unspecialized `Read`, it would add a generic
    /// frame moving `Read?` through value witnesses to every hook.
    @inline(__always)
    func readResults<Read>(
        from first: Int32, reading read: (LuaResults) -> Read?
    ) throws(LuaError) -> (read: Read?, run: LuaRun) {
        let resultsTop = lua_gettop(state)
        let reading = read(LuaResults(state: state, first: first, count: Int(max(0, resultsTop - first + 1))))
        lua_settop(state, resultsTop)  // what a reader that stopped early left above the results
        if let reading {
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
        return (nil, LuaRun(values: values, log: context.log.take(), instructions: context.budget.instructionsUsed))
    }

    /// Calls the function below `arguments` with the limits enforced, turning a failure into a ``LuaError``.
    ///
    /// A run during which any limit tripped has failed, even if the rule caught the error (with `pcall`, or at a
    /// coroutine's boundary) and returned normally.
    func protectedCall(arguments: Int32, results: Int32, scripts: [LuaScript]) throws(LuaError) {
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

    func errorText(at index: Int32) -> String {
        Self.errorText(state, at: index)
    }

    /// The error value at `index` as text, without running `__tostring` (no Lua code runs from here).
    static func errorText(_ state: OpaquePointer, at index: Int32) -> String {
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
