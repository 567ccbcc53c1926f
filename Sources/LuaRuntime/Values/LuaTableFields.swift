#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLua
import CLuaShim

/// A value as a typed reader finds it on the Lua stack (see ``LuaTableFields``), converted only as far as the
/// generic ``LuaValue`` reader would convert it the same way.
package enum LuaFieldValue {
    /// `nil` or `json.null`.
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    /// A table without a metatable: read it with ``LuaTableFields/valueFields()``.
    case table
    /// Anything the generic reader would refuse or has to convert first: a function, a coroutine, userdata, a
    /// string that is not UTF-8, a table with a metatable (a body placeholder, which it builds). A typed reader that
    /// meets one declines, so that the generic reader gives its exact result or error.
    case other
}

extension LuaFieldValue {
    /// The value as the generic reader gives it, when it is not a table; nil for a table or ``other``.
    package var scalar: LuaValue? {
        switch self {
        case .nil: .nil
        case .boolean(let flag): .boolean(flag)
        case .integer(let number): .integer(number)
        case .number(let number): .number(number)
        case .string(let text): .string(text)
        case .table, .other: nil
        }
    }
}

/// Reads a table's fields straight off the Lua stack, one `lua_next` at a time, without building ``LuaValue``
/// dictionaries: for callers that know the shape of a result and turn it into their own types directly.
///
/// Only raw access is used, like ``LuaValueReader``, so no Lua code runs. Valid only inside the `reading` closure of
/// ``LuaState/call(_:function:arguments:reading:)`` that handed it out, and a nested reader (``valueFields()``) only
/// until its parent moves on: each level owns the two stack slots above the ones it found.
package struct LuaTableFields {
    private let state: OpaquePointer
    private let table: Int32
    /// The stack top when this table's iteration started; its key and value live at `top + 1` and `top + 2`.
    private let top: Int32
    private var started = false
    /// The current key's bytes when it is a string, read once per field: entries are matched against several names.
    private var keyBytes: UnsafeRawBufferPointer?

    /// Reads the table at `index`, or nil when it is not a table without a metatable or the stack has no room.
    init?(state: OpaquePointer, tableAt index: Int32) {
        let table = lua_absindex(state, index)
        guard lua_type(state, table) == LUA_TTABLE, lua_checkstack(state, 4) != 0 else { return nil }
        if lua_getmetatable(state, table) != 0 {
            hr_pop(state, 1)
            return nil
        }
        self.state = state
        self.table = table
        top = lua_gettop(state)
    }

    /// Moves to the next field; false when there is none left (and the stack is as this reader found it).
    package mutating func next() -> Bool {
        // A nested reader that stopped early may have left its own key and value above this one's.
        lua_settop(state, started ? top + 1 : top)
        if !started { lua_pushnil(state) }
        started = true
        keyBytes = nil
        guard lua_next(state, table) != 0 else { return false }
        if lua_type(state, top + 1) == LUA_TSTRING {
            // Valid while the key is on the stack, that is until the next call.
            var length = 0
            keyBytes = UnsafeRawBufferPointer(start: lua_tolstring(state, top + 1, &length), count: length)
        }
        return true
    }

    /// Whether the current field's key is the string `name`.
    package func key(is name: StaticString) -> Bool {
        guard let keyBytes, keyBytes.count == name.utf8CodeUnitCount else { return false }
        return keyBytes.count == 0 || memcmp(keyBytes.baseAddress.unsafelyUnwrapped, name.utf8Start, keyBytes.count) == 0
    }

    /// The current field's key when it is an integer (a list index).
    package var index: Int64? {
        guard lua_type(state, top + 1) == LUA_TNUMBER, lua_isinteger(state, top + 1) != 0 else { return nil }
        return Int64(lua_tointegerx(state, top + 1, nil))
    }

    /// The current field's value.
    package var value: LuaFieldValue {
        let slot = top + 2
        switch lua_type(state, slot) {
        case LUA_TNIL: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(state, slot) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(state, slot) != 0 { return .integer(Int64(lua_tointegerx(state, slot, nil))) }
            return .number(Double(lua_tonumberx(state, slot, nil)))
        case LUA_TSTRING:
            var length = 0
            let bytes = lua_tolstring(state, slot, &length)
            return String(validatingLuaBytes: UnsafeRawBufferPointer(start: bytes, count: length)).map { .string($0) }
                ?? .other
        case LUA_TLIGHTUSERDATA where lua_touserdata(state, slot) == nil:
            return .nil  // json.null
        case LUA_TTABLE:
            guard lua_getmetatable(state, slot) == 0 else {
                hr_pop(state, 1)
                return .other
            }
            return .table
        default:
            return .other
        }
    }

    /// The raw length (`#`, without metamethods) of the table being read.
    package var length: Int { Int(lua_rawlen(state, table)) }

    /// A reader of the current field's value, when it is a table without a metatable.
    package func valueFields() -> LuaTableFields? {
        LuaTableFields(state: state, tableAt: top + 2)
    }
}

/// The results of a call, for a typed reader (see ``LuaState/call(_:function:arguments:reading:)``).
package struct LuaResults {
    let state: OpaquePointer
    /// Stack index of the first result.
    let first: Int32
    package let count: Int

    /// A reader of result `position` (1-based) when it is a table without a metatable.
    package func fields(ofResult position: Int) -> LuaTableFields? {
        guard position >= 1, position <= count else { return nil }
        return LuaTableFields(state: state, tableAt: first + Int32(position - 1))
    }
}
