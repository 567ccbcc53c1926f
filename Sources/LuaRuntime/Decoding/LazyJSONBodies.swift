import CLua
import CLuaShim

/// The JSON bodies of the current run that are decoded lazily: validated whole before the rule runs (an invalid body
/// is refused exactly as when decoding eagerly), then built one object or array at a time, the first time the rule
/// touches it. Rules read a few fields of bodies of kilobytes; the rest is never built.
///
/// A container not built yet is a *placeholder*: an empty table with the sandbox's lazy metatable, listed in a
/// per-run table of pending placeholders (placeholder → body and container). Building it fills the table itself,
/// removes the metatable and the listing, so from then on it is an ordinary table, identical to an eagerly decoded
/// one. Placeholders of an earlier run are never in the current listing and refuse to build.
final class LazyJSONBodies {
    private struct Body {
        let bytes: [UInt8]
        let structure: JSONStructure
    }

    /// Tables bigger than this start small and grow as they are filled: an untouched placeholder should cost little.
    private static let presizeLimit = 32

    private var bodies: [Body] = []
    private let pendingRef: Int32
    /// The registry reference of the lazy metatable, which the sandbox builds (its metamethods are Lua and host code).
    var metatableRef: Int32?

    init(state: OpaquePointer) {
        lua_createtable(state, 0, 0)
        pendingRef = luaL_ref(state, hr_registry_index())
    }

    /// Forgets the previous run's bodies and starts an empty listing of placeholders.
    func startRun(_ state: OpaquePointer) {
        bodies.removeAll(keepingCapacity: true)
        lua_createtable(state, 0, 0)
        lua_rawseti(state, hr_registry_index(), lua_Integer(pendingRef))
    }

    /// Drops the run's bodies, so nothing built after the run could read them.
    func endRun() {
        bodies.removeAll(keepingCapacity: true)
    }

    /// Validates `bytes` and pushes the document: its outermost container built, everything inside it placeholders.
    func push(
        _ bytes: [UInt8], onto state: OpaquePointer, maxDepth: Int, memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        let structure = try bytes.withUnsafeBytes { buffer in
            Result { () throws(BodyDecodingError) in try JSONValidator.structure(of: buffer, maxDepth: maxDepth) }
        }.get()
        guard let outermost = structure.containers.first else {
            // A scalar document: nothing to defer.
            return try bytes.withUnsafeBytes { buffer in
                Result { () throws(BodyDecodingError) in
                    try JSONLuaDecoder.push(buffer, onto: state, maxDepth: maxDepth, memory: memory)
                }
            }.get()
        }
        guard metatableRef != nil, lua_checkstack(state, 4) != 0 else {
            throw BodyDecodingError(.json, offset: 0, reason: "the Lua stack is full")
        }
        bodies.append(Body(bytes: bytes, structure: structure))
        lua_rawgeti(state, hr_registry_index(), lua_Integer(pendingRef))
        createTable(for: outermost, in: bytes, state: state, presizeLimit: .max)
        let base = lua_gettop(state) - 2
        do {
            try fill(body: bodies.count - 1, ordinal: 0, state: state, memory: memory)
        } catch {
            lua_settop(state, base)
            throw error
        }
        hr_remove(state, -2)
    }

    /// Whether the value at `index` is a placeholder (of this run or an earlier one).
    func isPlaceholder(at index: Int32, in state: OpaquePointer) -> Bool {
        guard let metatableRef, lua_type(state, index) == LUA_TTABLE, lua_getmetatable(state, index) != 0 else {
            return false
        }
        lua_rawgeti(state, hr_registry_index(), lua_Integer(metatableRef))
        let same = lua_rawequal(state, -1, -2) != 0
        hr_pop(state, 2)
        return same
    }

    enum Outcome {
        case built, notPending
    }

    /// Builds the placeholder at `index` in place. `.notPending` when it is not one of this run's placeholders.
    func build(
        tableAt index: Int32, in state: OpaquePointer, memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) -> Outcome {
        let table = lua_absindex(state, index)
        let base = lua_gettop(state)
        guard lua_checkstack(state, 8) != 0 else {
            throw BodyDecodingError(.json, offset: 0, reason: "the Lua stack is full")
        }
        lua_rawgeti(state, hr_registry_index(), lua_Integer(pendingRef))
        lua_pushvalue(state, table)
        lua_rawget(state, -2)
        let key = lua_isinteger(state, -1) != 0 ? Int64(lua_tointegerx(state, -1, nil)) : -1
        hr_pop(state, 1)
        let bodyIndex = Int(key >> 32), ordinal = Int(key & 0xFFFF_FFFF)
        guard key >= 0, bodyIndex < bodies.count else {
            lua_settop(state, base)
            return .notPending
        }
        lua_pushvalue(state, table)
        lua_pushnil(state)
        lua_rawset(state, -3)  // no longer pending
        lua_pushnil(state)
        _ = lua_setmetatable(state, table)
        lua_pushvalue(state, table)
        defer { lua_settop(state, base) }
        try fill(body: bodyIndex, ordinal: ordinal, state: state, memory: memory)
        return .built
    }

    /// Fills the table on top of the stack (the pending listing just below it) with one container's contents.
    private func fill(
        body bodyIndex: Int, ordinal: Int, state: OpaquePointer, memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        let body = bodies[bodyIndex]
        let pending = lua_gettop(state) - 1
        guard let metatableRef else { return }
        try body.bytes.withUnsafeBytes { buffer in
            Result { () throws(BodyDecodingError) in
                let start = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var decoder = JSONLuaDecoder(
                    state: state, start: start, end: start + buffer.count, cursor: start, maxDepth: .max,
                    memory: memory)
                try decoder.fillLevel(of: ordinal, in: body.structure) { child in
                    createTable(
                        for: body.structure.containers[child], in: body.bytes, state: state,
                        presizeLimit: Self.presizeLimit)
                    lua_rawgeti(state, hr_registry_index(), lua_Integer(metatableRef))
                    _ = lua_setmetatable(state, -2)
                    lua_pushvalue(state, -1)
                    lua_pushinteger(state, lua_Integer(bodyIndex) << 32 | lua_Integer(child))
                    lua_rawset(state, pending)
                }
            }
        }.get()
    }

    private func createTable(
        for container: JSONStructure.Container, in bytes: [UInt8], state: OpaquePointer, presizeLimit: Int
    ) {
        let size = Int32(clamping: min(container.count, presizeLimit))
        if bytes[container.start] == UInt8(ascii: "[") {
            lua_createtable(state, size, 0)
        } else {
            lua_createtable(state, 0, size)
        }
    }
}
