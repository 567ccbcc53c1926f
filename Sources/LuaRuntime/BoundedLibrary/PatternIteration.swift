import CLua
import CLuaShim

/// `string.gmatch(s, pattern [, init])` (lstrlib.c's `gmatch`): an iterator over the matches of `pattern` in `s`. As
/// in Lua 5.4, a leading '^' is an ordinary byte here (an anchor would stop the iteration), and a match that ends
/// where the previous one ended is skipped.
///
/// The iterator is a closure of ``gmatchStep`` whose upvalues hold the subject, the pattern and where the search
/// stands, so a rule holding one holds state (the sandbox's module check sees it).
let boundedGmatch: hr_swift_function = { state in
    libraryCall(state) { state throws(LibraryFailure) in
        let arguments = LibraryArguments(state)
        let subject = try arguments.string(1)
        _ = try arguments.string(2)
        let start = startIndex(try arguments.optionalInteger(3, default: 1), length: subject.count)
        lua_settop(state, 2)  // the subject and the pattern, as strings, become upvalues
        lua_pushinteger(state, lua_Integer(min(start, subject.count + 1)))  // past the end: it finds nothing
        lua_pushinteger(state, -1)  // the end of the last match: none yet
        lua_pushinteger(state, 0)  // units counted but not charged yet
        try protected(hr_protected_swift_function(state, gmatchStep, GmatchUpvalue.count))
        return 1
    }
}

/// The gmatch iterator's upvalues (1 is the Swift function itself).
private enum GmatchUpvalue {
    static let subject: Int32 = 2
    static let pattern: Int32 = 3
    static let source: Int32 = 4
    static let lastMatch: Int32 = 5
    static let unchargedUnits: Int32 = 6
    static let count: Int32 = 5
}

/// One step of a gmatch iterator: the next match's captures, or nothing at the end.
private let gmatchStep: hr_swift_function = { state in
    libraryCall(state) { state throws(LibraryFailure) in
        let subject = LibraryArguments.bytes(state, at: hr_upvalue_index(GmatchUpvalue.subject))
        let pattern = LibraryArguments.bytes(state, at: hr_upvalue_index(GmatchUpvalue.pattern))
        var source = Int(lua_tointegerx(state, hr_upvalue_index(GmatchUpvalue.source), nil))
        let lastMatch = Int(lua_tointegerx(state, hr_upvalue_index(GmatchUpvalue.lastMatch), nil))
        let uncharged = Int(lua_tointegerx(state, hr_upvalue_index(GmatchUpvalue.unchargedUnits), nil))
        return try PatternMatcher.with(state: state, subject: subject, pattern: pattern, unchargedUnits: uncharged) {
            matcher throws(LibraryFailure) -> Int32 in
            defer { setUpvalue(state, GmatchUpvalue.unchargedUnits, matcher.uncharged.units) }
            while source <= subject.count {
                matcher.reset()
                if let end = try matcher.match(source, 0), end != lastMatch {
                    setUpvalue(state, GmatchUpvalue.source, end)
                    setUpvalue(state, GmatchUpvalue.lastMatch, end)
                    return try matcher.returnCaptures(whole: source..<end, after: 0)
                }
                source += 1
            }
            return 0
        }
    }
}

/// Sets an integer upvalue of the running closure; assigning a number allocates nothing.
private func setUpvalue(_ state: OpaquePointer, _ upvalue: Int32, _ value: Int) {
    lua_pushinteger(state, lua_Integer(value))
    hr_replace(state, hr_upvalue_index(upvalue))
}
