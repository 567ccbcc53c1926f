import CLua
import CLuaShim

/// A table argument of ltablib's functions, read and written with `lua_geti` and `lua_seti`.
///
/// On a table without a metatable no metamethod can run, so a read cannot raise and Swift calls `lua_geti` itself;
/// so does a write over an entry that holds a value (it allocates nothing). Anything else (a metamethod may run, a
/// new entry may allocate) goes through the shim's protected operations, whose error the trampoline raises. No Lua
/// code runs in between on such a table, so it cannot gain a metatable meanwhile.
struct TableArgument {
    let state: OpaquePointer
    let index: Int32
    let isPlain: Bool

    init(_ state: OpaquePointer, _ index: Int32) {
        self.state = state
        self.index = index
        if lua_type(state, index) == LUA_TTABLE {
            let hasMetatable = lua_getmetatable(state, index) != 0
            if hasMetatable { hr_pop(state, 1) }
            isPlain = !hasMetatable
        } else {
            isPlain = false
        }
    }

    /// Pushes t[i]; whether it is nil.
    @inline(__always)
    @discardableResult
    func push(_ i: lua_Integer) throws(LibraryFailure) -> Bool {
        if isPlain { return lua_geti(state, index, i) == LUA_TNIL }
        try protected(hr_protected_geti(state, index, i))
        return lua_type(state, -1) == LUA_TNIL
    }

    /// Sets t[i] to the value on top of the stack, and pops it. `holdsValue` says whether t[i] is known to hold a
    /// value (a loop that has just read it); nil when that is unknown.
    @inline(__always)
    func set(_ i: lua_Integer, holdsValue: Bool? = nil) throws(LibraryFailure) {
        if isPlain {
            let overwrites: Bool
            if let holdsValue {
                overwrites = holdsValue
            } else {
                overwrites = lua_geti(state, index, i) != LUA_TNIL
                hr_pop(state, 1)
            }
            if overwrites {
                lua_seti(state, index, i)
                return
            }
        }
        try protected(hr_protected_seti(state, index, i))
    }

    /// `#t` as lauxlib's `luaL_len` reads it: an integer, or the error "object length is not an integer".
    func length() throws(LibraryFailure) -> lua_Integer {
        if isPlain { return lua_Integer(bitPattern: lua_rawlen(state, index)) }
        try protected(hr_protected_len(state, index))
        var isInteger: Int32 = 0
        let length = lua_tointegerx(state, -1, &isInteger)
        hr_pop(state, 1)
        guard isInteger != 0 else { throw .error("object length is not an integer") }
        return length
    }

    /// Whether this and `other` are equal as `==` compares them (`__eq` included).
    func equals(_ other: TableArgument) throws(LibraryFailure) -> Bool {
        if isPlain, other.isPlain { return lua_rawequal(state, index, other.index) != 0 }
        try protected(hr_protected_equal(state, index, other.index))
        defer { hr_pop(state, 1) }
        return lua_toboolean(state, -1) != 0
    }
}

/// What a table argument must support when it is not a table (ltablib.c's TAB_R, TAB_W, TAB_L).
struct TableAccess: OptionSet {
    let rawValue: Int
    static let read = TableAccess(rawValue: 1)
    static let write = TableAccess(rawValue: 2)
    static let length = TableAccess(rawValue: 4)
}

/// ltablib.c's `checktab`: argument `argument` is a table, or a value whose metatable has the metamethods `access`
/// needs; otherwise "table expected".
func checkTable(_ state: OpaquePointer, _ argument: Int32, _ access: TableAccess) throws(LibraryFailure) {
    guard lua_type(state, argument) != LUA_TTABLE else { return }
    let top = lua_gettop(state)
    defer { lua_settop(state, top) }
    guard lua_getmetatable(state, argument) != 0 else { throw .type(argument, "table") }
    let needed: [(TableAccess, StaticString)] = [(.read, "__index"), (.write, "__newindex"), (.length, "__len")]
    for (need, key) in needed where access.contains(need) {
        // The metamethods' names are strings every state keeps (fixed), so pushing one allocates nothing.
        key.withUTF8Buffer { name in
            let start = UnsafeRawPointer(name.baseAddress)?.assumingMemoryBound(to: CChar.self)
            _ = lua_pushlstring(state, start, name.count)
        }
        guard lua_rawget(state, top + 1) != LUA_TNIL else { throw .type(argument, "table") }
    }
}
