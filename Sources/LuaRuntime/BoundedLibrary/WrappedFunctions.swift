import CLua
import CLuaShim

/// Lua's own library functions made answerable to the budget, each still running in its own call frame (through
/// `HR_PROCEED`), so its argument errors name it exactly as Lua does.
enum WrappedFunctions {
    /// `meter(f)`: `f` (a C function without upvalues) charged for the length of its string arguments before it
    /// runs. For functions that scan a string without allocating (`utf8.len`, `string.byte`, `tonumber`, ...): the
    /// charge lets the budget stop a rule that calls one in a tight loop on a big string.
    static let meter: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            try wrap(state, with: meteredCall, nup: 1)
        }
    }

    /// `rep(f)`: `string.rep` (`f`) that returns "" at once when every copy and separator is empty, where Lua's loop
    /// would copy zero bytes `n` times (1e10 iterations for `("").rep("", 1e10)`).
    static let rep: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            try wrap(state, with: emptyRepetition, nup: 1)
        }
    }

    /// `insert(f)` and `remove(f)`: ``TableFunctions/insert`` and ``TableFunctions/remove``, which leave the cases
    /// that move no element to `table.insert` and `table.remove` (`f`).
    static let insert: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            try wrap(state, with: TableFunctions.insert, nup: 1)
        }
    }

    static let remove: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            try wrap(state, with: TableFunctions.remove, nup: 1)
        }
    }

    /// `sort(f)`: `table.sort` (`f`) with every comparison charged (the shim's `hr_charged_sort`).
    static let sort: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            try checkWrappable(state)
            lua_settop(state, 1)
            try protected(hr_protected_closure(state, hr_charged_sort, 1))
            return 1
        }
    }

    private static func wrap(
        _ state: OpaquePointer, with function: hr_swift_function, nup: Int32
    ) throws(LibraryFailure) -> Int32 {
        try checkWrappable(state)
        lua_settop(state, 1)
        try protected(hr_protected_swift_function(state, function, nup))
        return 1
    }

    /// The wrapper calls `f` in its own frame (`lua_tocfunction`), which only works for a C function without
    /// upvalues.
    private static func checkWrappable(_ state: OpaquePointer) throws(LibraryFailure) {
        guard lua_iscfunction(state, 1) != 0, lua_getupvalue(state, 1, 1) == nil else {
            throw .argument(1, "a C function without upvalues")
        }
    }

    /// A metered function: charges its string arguments' length, then runs the function it wraps (upvalue 2).
    private static let meteredCall: hr_swift_function = { state in
        let state = state.unsafelyUnwrapped
        let count = lua_gettop(state)
        var units = Int(count)
        if count > 0 {
            for argument in 1...count where lua_type(state, argument) == LUA_TSTRING {
                units += Int(lua_rawlen(state, argument))
            }
        }
        return hr_budget_try_charge(state, units) != 0 ? HR_STOP : HR_PROCEED
    }

    /// `string.rep`'s shortcut: "" (argument 1 itself) for a positive count of empty strings with no or an empty
    /// separator. Anything else, argument errors included, is Lua's own `rep`'s (upvalue 2).
    private static let emptyRepetition: hr_swift_function = { state in
        let state = state.unsafelyUnwrapped
        guard lua_type(state, 1) == LUA_TSTRING, lua_rawlen(state, 1) == 0 else { return HR_PROCEED }
        var isInteger: Int32 = 0
        let count = lua_tointegerx(state, 2, &isInteger)
        let separator = lua_type(state, 3)
        guard isInteger != 0, count > 0,
            separator <= LUA_TNIL || (separator == LUA_TSTRING && lua_rawlen(state, 3) == 0)
        else { return HR_PROCEED }
        lua_pushvalue(state, 1)
        return 1
    }
}
