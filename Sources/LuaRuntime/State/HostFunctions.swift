import CLua
import CLuaShim

/// Per-state host data the Swift functions called from Lua reach through their second upvalue.
final class HostContext {
    let memory: UnsafeMutablePointer<MemoryAccount>
    let budget: ExecutionBudget
    let jsonDepth: Int
    let limits: LuaLimits
    var log: RunLog
    let lazyBodies: LazyJSONBodies
    /// The run whose random generator has been seeded (by the host or by the rule), 0 for none.
    var seededRun: UInt64 = 0

    init(limits: LuaLimits, memory: UnsafeMutablePointer<MemoryAccount>, runsSoFar: UInt64) {
        self.memory = memory
        lazyBodies = LazyJSONBodies(runsSoFar: runsSoFar)
        budget = ExecutionBudget(limits: limits, memory: memory)
        jsonDepth = limits.jsonDepth
        self.limits = limits
        log = RunLog(maxLines: limits.logLines, maxBytes: limits.logBytes)
    }

    static func of(_ state: OpaquePointer) -> HostContext {
        let pointer = lua_touserdata(state, hr_upvalue_index(2)).unsafelyUnwrapped
        return Unmanaged<HostContext>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Runs host code that may allocate inside Lua: allocation cannot fail (and longjmp) while it runs.
    func building<T>(_ body: () -> T) -> T {
        let wasBuilding = memory.pointee.hostIsBuilding
        memory.pointee.hostIsBuilding = true
        defer { memory.pointee.hostIsBuilding = wasBuilding }
        return body()
    }
}

/// Pushes "where: message" for the shim to raise: positioned at the rule's line, like `error(message, 2)`.
func pushError(_ state: OpaquePointer, _ message: String) -> Int32 {
    luaL_where(state, 1)
    var message = message
    message.withUTF8 { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
    lua_concat(state, 2)
    return HR_RAISE
}

/// `print`'s sink: the sandbox joins the arguments with tabs in Lua and passes one string here.
let hostLog: hr_swift_function = { state in
    let state = state.unsafelyUnwrapped
    let context = HostContext.of(state)
    var length = 0
    guard lua_type(state, 1) == LUA_TSTRING, let bytes = lua_tolstring(state, 1, &length) else { return 0 }
    context.log.append(UnsafeRawBufferPointer(start: bytes, count: length))
    return 0
}

/// `json.decode(text)`: the same decoder bodies go through, for JSON carried inside a field or a form value.
let hostJSONDecode: hr_swift_function = { state in
    decodeTextArgument(state.unsafelyUnwrapped, function: "json.decode") { text, state, context throws(BodyDecodingError) in
        try JSONLuaDecoder.push(text, onto: state, maxDepth: context.jsonDepth, memory: context.memory)
    }
}

/// A decoding function's body: its one argument must be a string, which `decode` pushes as one value; a failure is
/// raised as the function's error.
func decodeTextArgument(
    _ state: OpaquePointer, function: String,
    _ decode: (UnsafeRawBufferPointer, OpaquePointer, HostContext) throws(BodyDecodingError) -> Void
) -> Int32 {
    let context = HostContext.of(state)
    return context.building {
        guard lua_type(state, 1) == LUA_TSTRING else {
            let typeName = String(cString: lua_typename(state, lua_type(state, 1)))
            return pushError(state, "\(function) expects a string, got \(typeName)")
        }
        var length = 0
        let bytes = lua_tolstring(state, 1, &length)
        do throws(BodyDecodingError) {
            try decode(UnsafeRawBufferPointer(start: bytes, count: length), state, context)
            return 1
        } catch {
            return pushDecodingError(state, context, function: function, error)
        }
    }
}

/// The error a decoding function (`json.decode`, `xml.decode`) raises. Out of memory or time is the run's limit,
/// not a fault of the text: it fails the run even under pcall (the budget stops it at the next instruction), and
/// says which limit it was.
func pushDecodingError(
    _ state: OpaquePointer, _ context: HostContext, function: String, _ error: BodyDecodingError
) -> Int32 {
    if context.memory.pointee.isOverLimit {
        context.memory.pointee.exceeded = true
        hr_note_fault(state)
        return pushError(state, "\(function): " + ExecutionBudget.message(for: .memory, limits: context.limits))
    }
    if context.budget.mustStop, let limit = context.budget.tripped {
        hr_note_fault(state)
        return pushError(state, "\(function): " + ExecutionBudget.message(for: limit, limits: context.limits))
    }
    return pushError(state, "\(function): \(error)")
}

/// `fresh_seed()`: two random integers the first time a run asks (the sandbox then seeds the run's generator with
/// them), nothing once the run's generator is seeded.
let hostFreshSeed: hr_swift_function = { state in
    let state = state.unsafelyUnwrapped
    let context = HostContext.of(state)
    let run = context.lazyBodies.run
    guard context.seededRun != run else { return 0 }
    context.seededRun = run
    var generator = SystemRandomNumberGenerator()
    lua_pushinteger(state, lua_Integer(bitPattern: generator.next()))
    lua_pushinteger(state, lua_Integer(bitPattern: generator.next()))
    return 2
}
