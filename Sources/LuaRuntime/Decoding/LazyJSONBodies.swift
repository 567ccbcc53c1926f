import CLua
import CLuaShim

/// The JSON bodies of the current run that are decoded lazily: validated whole before the rule runs (an invalid body
/// is refused exactly as when decoding eagerly), then built one object or array at a time, the first time the rule
/// touches it. Rules read a few fields of bodies of kilobytes; the rest is never built.
///
/// A container not built yet is a *placeholder*: an empty table with the sandbox's lazy metatable, holding under a
/// private key (a light userdata only the host can make) which run, body and container it stands for. Building it
/// removes the key and the metatable and fills the table itself, so from then on it is an ordinary table, identical
/// to an eagerly decoded one. Rules never see the key: every raw access (`next`, `rawget`, `rawlen`, `rawset`) and
/// every metamethod builds a placeholder first. A placeholder of an earlier run refuses to build.
final class LazyJSONBodies {
    private struct Body {
        let bytes: [UInt8]
        let structure: JSONStructure
    }

    /// Tables bigger than this start small and grow as they are filled: an untouched placeholder should cost little.
    private static let presizeLimit = 32
    /// A placeholder's tag packs the run (23 bits), the body (8 bits) and the container's ordinal (32 bits).
    private static let maxBodies = 255

    private var bodies: [Body] = []
    /// Structures of earlier runs, kept for their capacity: most hooks need no new allocation for theirs.
    private var spareStructures: [JSONStructure] = []
    private var run: Int64 = 0
    /// The registry reference of the lazy metatable, which the sandbox builds (its metamethods are Lua and host code).
    var metatableRef: Int32?

    /// The private key of a placeholder's tag: this object's address, a light userdata no rule can make.
    private var tagKey: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Forgets the previous run's bodies: their placeholders can no longer be built.
    func startRun() {
        recycleBodies()
        run = (run + 1) & 0x7F_FFFF
    }

    /// Drops the run's bodies, so nothing built after the run could read them.
    func endRun() {
        recycleBodies()
    }

    private func recycleBodies() {
        while let body = bodies.popLast(), spareStructures.count < 4 {
            spareStructures.append(body.structure)
        }
        bodies.removeAll(keepingCapacity: true)
    }

    /// Validates `bytes` and pushes the document: its outermost container built, everything inside it placeholders.
    func push(
        _ bytes: [UInt8], onto state: OpaquePointer, maxDepth: Int, memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        var structure = spareStructures.popLast() ?? JSONStructure()
        let validation = bytes.withUnsafeBytes { buffer in
            Result { () throws(BodyDecodingError) in
                try JSONValidator.validate(buffer, maxDepth: maxDepth, into: &structure)
            }
        }
        if case .failure(let error) = validation {
            spareStructures.append(structure)
            throw error
        }
        guard let outermost = structure.containers.first else {
            // A scalar document: nothing to defer.
            return try bytes.withUnsafeBytes { buffer in
                Result { () throws(BodyDecodingError) in
                    try JSONLuaDecoder.push(buffer, onto: state, maxDepth: maxDepth, memory: memory)
                }
            }.get()
        }
        guard metatableRef != nil, bodies.count < Self.maxBodies, lua_checkstack(state, 4) != 0 else {
            // No room for another tag: decode this one eagerly.
            return try bytes.withUnsafeBytes { buffer in
                Result { () throws(BodyDecodingError) in
                    try JSONLuaDecoder.push(buffer, onto: state, maxDepth: maxDepth, memory: memory)
                }
            }.get()
        }
        bodies.append(Body(bytes: bytes, structure: structure))
        createTable(for: outermost, in: bytes, state: state, presizeLimit: .max, extraSlots: 0)
        let base = lua_gettop(state) - 1
        do {
            try fill(body: bodies.count - 1, ordinal: 0, state: state, memory: memory)
        } catch {
            lua_settop(state, base)
            throw error
        }
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
        defer { lua_settop(state, base) }
        guard lua_checkstack(state, 8) != 0 else {
            throw BodyDecodingError(.json, offset: 0, reason: "the Lua stack is full")
        }
        lua_pushlightuserdata(state, tagKey)
        lua_rawget(state, table)
        let tag = lua_isinteger(state, -1) != 0 ? Int64(lua_tointegerx(state, -1, nil)) : -1
        hr_pop(state, 1)
        let bodyIndex = Int(tag >> 32 & 0xFF), ordinal = Int(tag & 0xFFFF_FFFF)
        guard tag >= 0, tag >> 40 == run, bodyIndex < bodies.count else { return .notPending }
        lua_pushlightuserdata(state, tagKey)
        lua_pushnil(state)
        lua_rawset(state, table)
        lua_pushnil(state)
        _ = lua_setmetatable(state, table)
        lua_pushvalue(state, table)
        try fill(body: bodyIndex, ordinal: ordinal, state: state, memory: memory)
        return .built
    }

    /// Fills the table on top of the stack with one container's contents.
    private func fill(
        body bodyIndex: Int, ordinal: Int, state: OpaquePointer, memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        let body = bodies[bodyIndex]
        guard let metatableRef else { return }
        let tagKey = tagKey
        let runAndBody = run << 40 | Int64(bodyIndex) << 32
        try body.bytes.withUnsafeBytes { buffer in
            Result { () throws(BodyDecodingError) in
                let start = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var decoder = JSONLuaDecoder(
                    state: state, start: start, end: start + buffer.count, cursor: start, maxDepth: .max,
                    memory: memory)
                try decoder.fillLevel(of: ordinal, in: body.structure) { child in
                    // One slot more than the contents: the tag's node stays behind (dead) once it is removed.
                    createTable(
                        for: body.structure.containers[child], in: body.bytes, state: state,
                        presizeLimit: Self.presizeLimit, extraSlots: 1)
                    lua_pushlightuserdata(state, tagKey)
                    lua_pushinteger(state, lua_Integer(runAndBody | Int64(child)))
                    lua_rawset(state, -3)
                    lua_rawgeti(state, hr_registry_index(), lua_Integer(metatableRef))
                    _ = lua_setmetatable(state, -2)
                }
            }
        }.get()
    }

    private func createTable(
        for container: JSONStructure.Container, in bytes: [UInt8], state: OpaquePointer, presizeLimit: Int,
        extraSlots: Int32
    ) {
        let size = Int32(clamping: min(container.count, presizeLimit))
        if bytes[container.start] == UInt8(ascii: "[") {
            lua_createtable(state, size, extraSlots)
        } else {
            lua_createtable(state, 0, size + extraSlots)
        }
    }
}
