import CLua
import CLuaShim

/// The JSON bodies of the current run that are decoded lazily: validated whole before the rule runs (an invalid body
/// is refused exactly as when decoding eagerly), then built one object or array at a time, the first time the rule
/// touches it. Rules read a few fields of bodies of kilobytes; the rest is never built. The first few reads of a
/// member of an object placeholder do not even build the object: the member is found by scanning the object's
/// bytes (see `lookUp`), and only its value is pushed.
///
/// A container not built yet is a *placeholder*: an empty table with the sandbox's lazy metatable, holding under a
/// private key (a light userdata only the host can make) which run, body and container it stands for. Building it
/// removes the key and the metatable and fills the table itself, so from then on it is an ordinary table, identical
/// to an eagerly decoded one. Rules never see the key: every raw access (`next`, `rawget`, `rawlen`, `rawset`) and
/// every metamethod builds a placeholder first. A placeholder of an earlier run refuses to build.
///
/// The same mechanism serves host tables whose contents a rule rarely needs (`hook.raw`, `hook.headers`): see
/// LazyJSONBodies+HostTables.swift.
final class LazyJSONBodies {
    /// What a placeholder stands for.
    enum Body {
        /// A JSON document's bytes and where its containers are.
        case json([UInt8], JSONStructure)
        /// A host table that gets its field `name`, `bytes` as a Lua string, when it is built.
        case field(name: String, bytes: [UInt8])
        /// A host table of strings, `name = value`, a repeated name keeping its last value.
        case strings([(name: String, value: String)])
    }

    /// What a placeholder's tag says: member lookups so far (3 bits), body (8 bits), ordinal (32 bits). Which run
    /// made it is in the tag's key instead (see `tagKey`).
    private struct Tag {
        var lookups: Int
        var body: Int
        var ordinal: Int

        init(lookups: Int = 0, body: Int, ordinal: Int) {
            (self.lookups, self.body, self.ordinal) = (lookups, body, ordinal)
        }

        init(_ value: Int64) {
            lookups = Int(value >> 40 & 0x7)
            body = Int(value >> 32 & 0xFF)
            ordinal = Int(value & 0xFFFF_FFFF)
        }

        var value: Int64 { Int64(lookups) << 40 | Int64(body) << 32 | Int64(ordinal) }
    }

    /// Tables bigger than this start small and grow as they are filled: an untouched placeholder should cost little.
    private static let presizeLimit = 32
    static let maxBodies = 255
    /// Member reads answered by scanning before an object is built: a rule reading more of an object than this is
    /// better served by the table.
    private static let maxLookups = 4

    /// This run's bodies and host tables, by the index their tags hold.
    var bodies: [Body] = []
    /// Structures of earlier runs, kept for their capacity: most hooks need no new allocation for theirs.
    private var spareStructures: [JSONStructure] = []
    /// Counts runs: 1 for the first. It names the key of the run's tags, so a placeholder of an earlier run has no
    /// tag under the current key and refuses to build. It never wraps: a state whose count reaches the maximum is
    /// replaced (``isExhausted``).
    private(set) var run: UInt64
    /// The registry reference of the lazy metatable, which the sandbox builds (its metamethods are Lua and host code).
    var metatableRef: Int32?
    /// The run's placeholders that a lookup handed out, by body and ordinal, so that building their parent later
    /// keeps them (`body.data == body.data`, and what a rule wrote into one stays). Made on the first such lookup.
    private var handedOutRef: Int32?
    private var handedOutRun: UInt64 = 0

    /// - Parameter runsSoFar: where the run count starts (0: the next run is the first), settable so that tests
    ///   reach the count's end without running that many hooks.
    init(runsSoFar: UInt64 = 0) {
        run = runsSoFar
    }

    /// The private key of this run's placeholder tags: a light userdata whose value is the run's number. Rules cannot
    /// make light userdata (the only one they see is `json.null`, which is 0), so no rule can name it.
    private var tagKey: UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(run)).unsafelyUnwrapped
    }

    /// Whether the run count has reached its end: the state must be replaced before it runs again.
    var isExhausted: Bool { run == UInt64(UInt.max) }

    /// Forgets the previous run's bodies: their placeholders can no longer be built.
    func startRun() {
        precondition(!isExhausted, "a state whose run count is exhausted must be replaced, not run")
        recycleBodies()
        run += 1
    }

    /// Drops the run's bodies, so nothing built after the run could read them.
    func endRun() {
        recycleBodies()
    }

    private func recycleBodies() {
        while let body = bodies.popLast(), spareStructures.count < 4 {
            if case .json(_, let structure) = body { spareStructures.append(structure) }
        }
        bodies.removeAll(keepingCapacity: true)
    }

    /// Validates `bytes` and pushes the document: a placeholder for its outermost object or array.
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
        guard !structure.containers.isEmpty, metatableRef != nil, bodies.count < Self.maxBodies,
            lua_checkstack(state, 8) != 0
        else {
            // A scalar document (nothing to defer), or no room for another body in a tag: decode it eagerly.
            return try bytes.withUnsafeBytes { buffer in
                Result { () throws(BodyDecodingError) in
                    try JSONLuaDecoder.push(buffer, onto: state, maxDepth: maxDepth, memory: memory)
                }
            }.get()
        }
        bodies.append(.json(bytes, structure))
        pushPlaceholder(body: bodies.count - 1, ordinal: 0, state: state, handingOut: false)
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
        guard let tag = tag(of: table, in: state) else { return .notPending }
        lua_pushlightuserdata(state, tagKey)
        lua_pushnil(state)
        lua_rawset(state, table)
        lua_pushnil(state)
        _ = lua_setmetatable(state, table)
        lua_pushvalue(state, table)
        try fill(body: tag.body, ordinal: tag.ordinal, state: state, memory: memory)
        return .built
    }

    enum Lookup {
        /// The member's value is on top of the stack.
        case value
        /// The object has no such member (or only a null one).
        case absent
        /// Not answerable by a scan (not a string key, an array, escaped names, enough scans): build the table.
        case needsBuild
        case notPending
    }

    /// Answers `placeholder[key]` for an object placeholder by scanning its bytes (or a table of strings from its
    /// pairs), without building it.
    func lookUp(
        keyAt keyIndex: Int32, inTableAt index: Int32, in state: OpaquePointer,
        memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) -> Lookup {
        let table = lua_absindex(state, index), keyIndex = lua_absindex(state, keyIndex)
        guard var tag = tag(of: table, in: state) else { return .notPending }
        guard tag.lookups < Self.maxLookups, lua_type(state, keyIndex) == LUA_TSTRING, lua_checkstack(state, 8) != 0
        else { return .needsBuild }
        var length = 0
        let name = UnsafeRawBufferPointer(start: lua_tolstring(state, keyIndex, &length), count: length)
        let lookup: Lookup
        switch bodies[tag.body] {
        case .field:
            // A table with a deferred field gets it (and every other read its answer) by being built.
            return .needsBuild
        case .strings(let pairs):
            lookup = Self.lookUp(name, in: pairs, state: state)
        case .json(let bytes, let structure):
            guard bytes[structure.containers[tag.ordinal].start] == UInt8(ascii: "{") else { return .needsBuild }
            lookup = try lookUp(name, inObject: tag.ordinal, of: tag.body, bytes: bytes, structure: structure, state: state, memory: memory)
        }
        if lookup != .needsBuild {
            tag.lookups += 1
            lua_pushlightuserdata(state, tagKey)
            lua_pushinteger(state, lua_Integer(tag.value))
            lua_rawset(state, table)
        }
        return lookup
    }

    /// Finds member `name` of object `ordinal` of a body by scanning its bytes and pushes its value.
    private func lookUp(
        _ name: UnsafeRawBufferPointer, inObject ordinal: Int, of bodyIndex: Int, bytes: [UInt8],
        structure: JSONStructure, state: OpaquePointer, memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) -> Lookup {
        let answer = bytes.withUnsafeBytes { buffer in
            Result { () throws(BodyDecodingError) -> Lookup in
                let start = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var decoder = JSONLuaDecoder(
                    state: state, start: start, end: start + buffer.count, cursor: start, maxDepth: .max,
                    memory: memory)
                switch decoder.findMember(name, inObject: ordinal, of: structure) {
                case .escapedName:
                    return .needsBuild
                case .missing:
                    return .absent
                case .found(_, let container?):
                    pushPlaceholder(body: bodyIndex, ordinal: container, state: state, handingOut: true)
                    return .value
                case .found(let position, nil):
                    decoder.cursor = position
                    try decoder.decodeValue(depth: 0)
                    return .value
                }
            }
        }
        return try answer.get()
    }

    /// The tag of the table at `table` when it is a placeholder of this run.
    private func tag(of table: Int32, in state: OpaquePointer) -> Tag? {
        lua_pushlightuserdata(state, tagKey)
        lua_rawget(state, table)
        defer { hr_pop(state, 1) }
        guard lua_isinteger(state, -1) != 0 else { return nil }
        let tag = Tag(Int64(lua_tointegerx(state, -1, nil)))
        guard tag.body < bodies.count else { return nil }
        switch bodies[tag.body] {
        case .json(_, let structure): guard tag.ordinal < structure.containers.count else { return nil }
        case .field, .strings: guard tag.ordinal == 0 else { return nil }
        }
        return tag
    }

    /// Fills the table on top of the stack with one container's contents (or a host table's).
    private func fill(
        body bodyIndex: Int, ordinal: Int, state: OpaquePointer, memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        guard case .json(let bytes, let structure) = bodies[bodyIndex] else {
            return try fillHostTable(bodies[bodyIndex], state: state, memory: memory)
        }
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(BodyDecodingError) in
                let start = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var decoder = JSONLuaDecoder(
                    state: state, start: start, end: start + buffer.count, cursor: start, maxDepth: .max,
                    memory: memory)
                try decoder.fillLevel(of: ordinal, in: structure) { child in
                    pushPlaceholder(body: bodyIndex, ordinal: child, state: state, handingOut: false)
                }
            }
        }.get()
    }

    /// Pushes the placeholder of container `ordinal`: the one a lookup already handed out, else a new one (listed
    /// as handed out when `handingOut`).
    private func pushPlaceholder(body bodyIndex: Int, ordinal: Int, state: OpaquePointer, handingOut: Bool) {
        let key = lua_Integer(bodyIndex) << 32 | lua_Integer(ordinal)
        let listed = pushHandedOut(state, creating: handingOut)
        if listed {
            lua_rawgeti(state, -1, key)
            if lua_type(state, -1) == LUA_TTABLE {
                hr_remove(state, -2)
                return
            }
            hr_pop(state, 1)
        }
        guard case .json(let bytes, let structure) = bodies[bodyIndex] else {
            preconditionFailure("only the containers of JSON bodies are pushed as placeholders")
        }
        // One slot more than the contents: the tag's node stays behind (dead) once it is removed.
        createTable(
            for: structure.containers[ordinal], in: bytes, state: state, presizeLimit: Self.presizeLimit, extraSlots: 1)
        markPlaceholder(onTopOf: state, body: bodyIndex, ordinal: ordinal)
        if listed {
            if handingOut {
                lua_pushvalue(state, -1)
                lua_rawseti(state, -3, key)
            }
            hr_remove(state, -2)
        }
    }

    /// Tags the table on top of the stack as the placeholder of `ordinal` in body `bodyIndex` and gives it the lazy
    /// metatable.
    func markPlaceholder(onTopOf state: OpaquePointer, body bodyIndex: Int, ordinal: Int) {
        lua_pushlightuserdata(state, tagKey)
        lua_pushinteger(state, lua_Integer(Tag(body: bodyIndex, ordinal: ordinal).value))
        lua_rawset(state, -3)
        if let metatableRef {
            lua_rawgeti(state, hr_registry_index(), lua_Integer(metatableRef))
            _ = lua_setmetatable(state, -2)
        }
    }

    /// Pushes this run's list of handed-out placeholders and answers true; when there is none yet, makes one if
    /// `creating`, else pushes nothing and answers false.
    private func pushHandedOut(_ state: OpaquePointer, creating: Bool) -> Bool {
        if handedOutRun == run, let handedOutRef {
            lua_rawgeti(state, hr_registry_index(), lua_Integer(handedOutRef))
            return true
        }
        guard creating else { return false }
        lua_createtable(state, 0, 4)
        lua_pushvalue(state, -1)
        if let handedOutRef {
            lua_rawseti(state, hr_registry_index(), lua_Integer(handedOutRef))
        } else {
            handedOutRef = luaL_ref(state, hr_registry_index())
        }
        handedOutRun = run
        return true
    }

    private func createTable(
        for container: JSONStructure.Container, in bytes: [UInt8], state: OpaquePointer, presizeLimit: Int,
        extraSlots: Int32
    ) {
        let size = Int32(clamping: min(container.count, presizeLimit))
        if bytes[container.start] == UInt8(ascii: "[") {
            lua_createtable(state, size, extraSlots)
        } else {
            // Room for the tag only: most objects are only read through a few lookups and never filled, and a
            // presized hash part (up to 64 nodes) costs more to make than the lookups cost; one that is built grows
            // as filled.
            lua_createtable(state, 0, extraSlots)
        }
    }
}
