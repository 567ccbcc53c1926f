import CLua
import CLuaShim

/// Reads Lua values off the stack into ``LuaValue``s without running any Lua code.
///
/// Only raw access is used (`lua_next`, `lua_rawlen`), so no metamethod can raise, loop or yield while Swift frames
/// are on the stack; tables with a metatable are refused outright instead of being read half-way. Strings are read
/// in place, numbers with `lua_tointegerx`/`lua_tonumberx`, so reading never allocates inside Lua. Depth, size and
/// cycles are bounded, so a hostile result gives an error, never a hang.
struct LuaValueReader {
    static let maxDepth = 64
    static let maxElements = 1_000_000

    private let state: OpaquePointer
    private var elements = 0
    /// Where the reader is, spelled out only when an error needs it (building it per value costs more than the read).
    private var path: [PathStep] = []
    /// The tables being read, outermost first: at most `maxDepth`, so a linear scan beats hashing.
    private var tablesOnPath: [UnsafeRawPointer] = []

    private enum PathStep {
        case root(String)
        case key(String)
        case index(Int64)

        var text: String {
            switch self {
            case .root(let name): name
            case .key(let key): ".\(key)"
            case .index(let index): "[\(index)]"
            }
        }
    }

    /// Placeholders of a lazily decoded body are built when reached, so they read like any table.
    private let lazyBodies: LazyJSONBodies?
    private let memory: UnsafeMutablePointer<MemoryAccount>?

    init(state: OpaquePointer, lazyBodies: LazyJSONBodies? = nil, memory: UnsafeMutablePointer<MemoryAccount>? = nil) {
        self.state = state
        self.lazyBodies = lazyBodies
        self.memory = memory
    }

    mutating func read(at index: Int32, name: String) throws(LuaError) -> LuaValue {
        path = [.root(name)]
        return try readValue(at: lua_absindex(state, index))
    }

    private mutating func readValue(at index: Int32) throws(LuaError) -> LuaValue {
        elements += 1
        if elements > Self.maxElements {
            throw failure("is too large to return (more than \(Self.maxElements) values)")
        }
        switch lua_type(state, index) {
        case LUA_TNIL, LUA_TNONE:
            return .nil
        case LUA_TBOOLEAN:
            return .boolean(lua_toboolean(state, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(state, index) != 0 {
                return .integer(Int64(lua_tointegerx(state, index, nil)))
            }
            return .number(Double(lua_tonumberx(state, index, nil)))
        case LUA_TSTRING:
            return .string(try readString(at: index))
        case LUA_TLIGHTUSERDATA where lua_touserdata(state, index) == nil:
            return .nil  // json.null
        case LUA_TTABLE:
            return try readTable(at: index)
        default:
            let typeName = String(cString: lua_typename(state, lua_type(state, index)))
            throw failure("is a \(typeName), which cannot leave Lua")
        }
    }

    private func readString(at index: Int32) throws(LuaError) -> String {
        var length = 0
        let bytes = lua_tolstring(state, index, &length)
        let buffer = UnsafeRawBufferPointer(start: bytes, count: length)
        guard let text = String(validatingLuaBytes: buffer) else {
            throw failure("is a string that is not valid UTF-8")
        }
        return text
    }

    private mutating func readTable(at index: Int32) throws(LuaError) -> LuaValue {
        if lua_getmetatable(state, index) != 0 {
            // Only a placeholder of a lazily decoded body may have one; it is built and read like any table.
            hr_pop(state, 1)
            guard let lazyBodies, let memory, lazyBodies.isPlaceholder(at: index, in: state) else {
                throw failure("is a table with a metatable; return plain tables")
            }
            let outcome = Result { () throws(BodyDecodingError) in
                try lazyBodies.build(tableAt: index, in: state, memory: memory)
            }
            guard case .success(.built) = outcome else {
                throw failure("is part of a hook body that could not be built")
            }
        }
        guard path.count <= Self.maxDepth else {
            throw failure("is nested deeper than \(Self.maxDepth) tables")
        }
        let identity = lua_topointer(state, index)!
        guard !tablesOnPath.contains(identity) else {
            throw failure("contains itself (a cycle)")
        }
        tablesOnPath.append(identity)
        defer { tablesOnPath.removeLast() }
        guard lua_checkstack(state, 3) != 0 else {
            throw failure("cannot be read: the Lua stack is full")
        }

        // Lists come back from lua_next in order 1, 2, 3... almost always: those go straight into an array; any
        // other integer key sends the items to a dictionary, checked for gaps at the end.
        // Named fields are collected first and hashed once, into a dictionary of the right size (Lua keys are unique).
        var named: [(String, LuaValue)] = []
        var items: [LuaValue] = []
        var indexed: [Int64: LuaValue] = [:]
        lua_pushnil(state)
        while lua_next(state, index) != 0 {
            // Key at -2, value at -1. Keys are never converted in place, which would confuse lua_next.
            switch lua_type(state, -2) {
            case LUA_TSTRING:
                let key = try readKeyString()
                path.append(.key(key))
                named.append((key, try readValue(at: lua_absindex(state, -1))))
            case LUA_TNUMBER where lua_isinteger(state, -2) != 0:
                let key = Int64(lua_tointegerx(state, -2, nil))
                path.append(.index(key))
                let value = try readValue(at: lua_absindex(state, -1))
                if indexed.isEmpty, key == Int64(items.count) + 1 {
                    items.append(value)
                } else {
                    for (position, item) in items.enumerated() { indexed[Int64(position) + 1] = item }
                    items.removeAll()
                    indexed[key] = value
                }
            default:
                let typeName = String(cString: lua_typename(state, lua_type(state, -2)))
                hr_pop(state, 2)
                throw failure("has a key of type \(typeName); only string keys and 1...n indexes can leave Lua")
            }
            path.removeLast()
            hr_pop(state, 1)
        }
        let hasItems = !items.isEmpty || !indexed.isEmpty
        if named.isEmpty, !hasItems {
            return .table([:])
        }
        if !named.isEmpty, hasItems {
            throw failure("mixes list items and named fields")
        }
        if named.isEmpty {
            return .array(indexed.isEmpty ? items : try sequence(from: indexed))
        }
        return .table(Dictionary(uniqueKeysWithValues: named))
    }

    private func readKeyString() throws(LuaError) -> String {
        do {
            return try readString(at: -2)
        } catch {
            hr_pop(state, 2)
            throw error
        }
    }

    private func sequence(from indexed: [Int64: LuaValue]) throws(LuaError) -> [LuaValue] {
        let count = indexed.count
        var items: [LuaValue] = []
        items.reserveCapacity(count)
        for position in 1...Int64(count) {
            guard let item = indexed[position] else {
                throw failure("is a list with a gap at index \(position) (\(count) items)")
            }
            items.append(item)
        }
        return items
    }

    private func failure(_ problem: String) -> LuaError {
        LuaError(.unconvertibleResult, "\(path.map(\.text).joined()) \(problem)")
    }
}
