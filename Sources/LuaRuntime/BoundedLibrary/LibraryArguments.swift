import CLua
import CLuaShim

/// The arguments of a bounded library function, read as lauxlib's `luaL_check*` and `luaL_opt*` read them, with
/// the same conversions and the same errors (raised by the trampoline, see ``LibraryFailure``).
struct LibraryArguments {
    let state: OpaquePointer

    init(_ state: OpaquePointer) {
        self.state = state
    }

    /// `luaL_checklstring`: a string, or a number, which becomes its string form in its stack slot. The bytes stay
    /// valid while the argument is on the stack.
    func string(_ argument: Int32) throws(LibraryFailure) -> UnsafeBufferPointer<UInt8> {
        switch lua_type(state, argument) {
        case LUA_TSTRING:
            break
        case LUA_TNUMBER:
            try protected(hr_protected_tostring(state, argument))
        default:
            throw .type(argument, "string")
        }
        return Self.bytes(state, at: argument)
    }

    /// `luaL_optlstring`: `fallback` when the argument is absent or nil.
    func optionalString(
        _ argument: Int32, default fallback: UnsafeBufferPointer<UInt8>
    ) throws(LibraryFailure) -> UnsafeBufferPointer<UInt8> {
        lua_type(state, argument) <= LUA_TNIL ? fallback : try string(argument)
    }

    /// `luaL_checkinteger`: an integer, a float with an exact integer value, or a string that converts to one.
    func integer(_ argument: Int32) throws(LibraryFailure) -> lua_Integer {
        var isInteger: Int32 = 0
        let value = lua_tointegerx(state, argument, &isInteger)
        guard isInteger != 0 else {
            if lua_isnumber(state, argument) != 0 {
                throw .argument(argument, "number has no integer representation")
            }
            throw .type(argument, "number")
        }
        return value
    }

    /// `luaL_optinteger`: `fallback` when the argument is absent or nil.
    func optionalInteger(_ argument: Int32, default fallback: lua_Integer) throws(LibraryFailure) -> lua_Integer {
        lua_type(state, argument) <= LUA_TNIL ? fallback : try integer(argument)
    }

    /// Whether the argument is absent or nil (`lua_isnoneornil`).
    func isAbsent(_ argument: Int32) -> Bool {
        lua_type(state, argument) <= LUA_TNIL
    }

    /// The bytes of the string at `index` (a string already: nothing is converted).
    static func bytes(_ state: OpaquePointer, at index: Int32) -> UnsafeBufferPointer<UInt8> {
        var length = 0
        let start = lua_tolstring(state, index, &length)
        return UnsafeBufferPointer(start: UnsafeRawPointer(start)?.assumingMemoryBound(to: UInt8.self), count: length)
    }
}

/// lstrlib.c's `posrelatI`: a 1-based start position from Lua's argument (negative counts from the end, clipped to
/// 1), as a 0-based index that may be past the end.
func startIndex(_ position: lua_Integer, length: Int) -> Int {
    if position > 0 { return Int(position) - 1 }
    if position == 0 || position < -lua_Integer(length) { return 0 }
    return length + Int(position)
}
