import CLua
import CLuaShim

/// The library functions a rule can call that would otherwise run long without executing a Lua instruction, written
/// so that the run's budget stops them (see docs/runtime.md, "A run cannot outstay its limits"). The count hook
/// only fires between VM instructions, and a library function is one instruction however long it runs: most do
/// work proportional to a value that already passed the memory cap, but the pattern functions backtrack, and a few
/// loop over a range the caller chooses or scan a big string without allocating. The sandbox (Sandbox.lua) puts
/// these in the rules' `string` and `table` in place of Lua's own.
///
/// Their logic is Swift; C only raises what they hand back (`LibraryFailure`), pushes the results they describe, and
/// runs the Lua operations that may raise under `lua_pcall` (CLuaShim's protected operations), so no longjmp crosses
/// a Swift frame. What stays C: table.sort's comparator (see `hr_charged_sort`) and `memmem`.
enum BoundedLibrary {
    /// Pushes the table the sandbox chunk receives as `host.bounded`: `find`, `match`, `gmatch`, `gsub`, `concat`,
    /// `move` and `unpack`, and the wrappers `meter(f)`, `rep(f)`, `sort(f)`, `insert(f)` and `remove(f)` for Lua's
    /// own C functions. For the host while it builds a state (the pushes allocate).
    static func push(_ state: OpaquePointer) {
        let functions: [(String, hr_swift_function)] = [
            ("find", boundedFind), ("match", boundedMatch), ("gmatch", boundedGmatch), ("gsub", boundedGsub),
            ("concat", TableFunctions.concat), ("move", TableFunctions.move), ("unpack", TableFunctions.unpack),
            ("meter", WrappedFunctions.meter), ("rep", WrappedFunctions.rep), ("sort", WrappedFunctions.sort),
            ("insert", WrappedFunctions.insert), ("remove", WrappedFunctions.remove),
        ]
        lua_createtable(state, 0, Int32(functions.count))
        for (name, function) in functions {
            hr_push_swift_function(state, function, 0)
            lua_setfield(state, -2, name)
        }
    }
}
