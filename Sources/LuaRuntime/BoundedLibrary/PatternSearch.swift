import CLua
import CLuaShim

/// `string.find` and `string.match` (lstrlib.c's `str_find_aux`) on ``PatternMatcher``.
let boundedFind: hr_swift_function = { state in
    libraryCall(state) { state throws(LibraryFailure) in try findOrMatch(state, find: true) }
}

let boundedMatch: hr_swift_function = { state in
    libraryCall(state) { state throws(LibraryFailure) in try findOrMatch(state, find: false) }
}

private func findOrMatch(_ state: OpaquePointer, find: Bool) throws(LibraryFailure) -> Int32 {
    let arguments = LibraryArguments(state)
    let subject = try arguments.string(1)
    let pattern = try arguments.string(2)
    let start = startIndex(try arguments.optionalInteger(3, default: 1), length: subject.count)
    guard start <= subject.count else {
        lua_pushnil(state)
        return 1
    }
    if find, lua_toboolean(state, 4) != 0 || !hasSpecials(pattern) {
        if let found = try plainFind(state, pattern, in: subject, from: start) {
            lua_pushinteger(state, lua_Integer(found + 1))
            lua_pushinteger(state, lua_Integer(found + pattern.count))
            return 2
        }
    } else {
        let (body, anchored) = withoutAnchor(pattern)
        let results = try PatternMatcher.with(state: state, subject: subject, pattern: body) {
            matcher throws(LibraryFailure) -> Int32? in
            var s = start
            repeat {
                matcher.reset()
                if let end = try matcher.match(s, 0) {
                    guard find else { return try matcher.returnCaptures(whole: s..<end, after: 0) }
                    lua_pushinteger(state, lua_Integer(s + 1))
                    lua_pushinteger(state, lua_Integer(end))
                    return try matcher.returnCaptures(whole: nil, after: 2)
                }
                s += 1
            } while s <= subject.count && !anchored
            return nil
        }
        if let results { return results }
    }
    lua_pushnil(state)
    return 1
}

/// A plain search: linear in the subject whatever the needle (Lua's own memchr+memcmp loop is quadratic on
/// repetitive subjects), charged one unit per byte of the subject it may scan.
private func plainFind(
    _ state: OpaquePointer, _ needle: UnsafeBufferPointer<UInt8>, in subject: UnsafeBufferPointer<UInt8>,
    from start: Int
) throws(LibraryFailure) -> Int? {
    try chargeBudget(state, subject.count - start)
    guard !needle.isEmpty else { return start }
    let base = subject.baseAddress.unsafelyUnwrapped
    guard let found = hr_memmem(base + start, subject.count - start, needle.baseAddress, needle.count) else {
        return nil
    }
    return UnsafeRawPointer(base).distance(to: found)
}

/// The pattern without its leading '^', and whether it had one.
func withoutAnchor(_ pattern: UnsafeBufferPointer<UInt8>) -> (UnsafeBufferPointer<UInt8>, anchored: Bool) {
    guard pattern.first == UInt8(ascii: "^") else { return (pattern, false) }
    return (UnsafeBufferPointer(rebasing: pattern.dropFirst()), true)
}

/// Whether the pattern has a byte that is special in patterns (lstrlib.c's `nospecials`, negated).
private func hasSpecials(_ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
    pattern.contains { byte in
        switch byte {
        case UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"),
            UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "%"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
