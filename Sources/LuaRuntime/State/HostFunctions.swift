import CLua
import CLuaShim

/// Per-state host data the Swift functions called from Lua reach through their second upvalue.
final class HostContext {
    let memory: UnsafeMutablePointer<MemoryAccount>
    let budget: ExecutionBudget
    let jsonDepth: Int
    var log: RunLog
    let lazyBodies: LazyJSONBodies

    init(limits: LuaLimits, memory: UnsafeMutablePointer<MemoryAccount>) {
        self.memory = memory
        lazyBodies = LazyJSONBodies()
        budget = ExecutionBudget(limits: limits, memory: memory)
        jsonDepth = limits.jsonDepth
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
    context.log.append(String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self))
    return 0
}

/// `json.decode(text)`: the same decoder bodies go through, for JSON carried inside a field or a form value.
let hostJSONDecode: hr_swift_function = { state in
    let state = state.unsafelyUnwrapped
    let context = HostContext.of(state)
    return context.building {
        guard lua_type(state, 1) == LUA_TSTRING else {
            let typeName = String(cString: lua_typename(state, lua_type(state, 1)))
            return pushError(state, "json.decode expects a string, got \(typeName)")
        }
        var length = 0
        let bytes = lua_tolstring(state, 1, &length)
        do {
            try JSONLuaDecoder.push(
                UnsafeRawBufferPointer(start: bytes, count: length), onto: state,
                maxDepth: context.jsonDepth, memory: context.memory)
            return 1
        } catch {
            return pushError(state, "json.decode: \(error)")
        }
    }
}
