import CLua
import CLuaShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `string.gsub(s, pattern, replacement [, n])` (lstrlib.c's `str_gsub`) on ``PatternMatcher``: the replacement is
/// a string (with `%0`-`%9` and `%%`), a table indexed by the first capture, or a function called with the
/// captures; `n` caps the replacements. A function or table answering nil or false keeps the match as it was.
///
/// The replacement function and the table's `__index` are Lua code that may raise: they run under `lua_pcall`, and
/// their error is raised again by the trampoline once this frame has returned.
let boundedGsub: hr_swift_function = { state in
    libraryCall(state) { state throws(LibraryFailure) in try substitute(state) }
}

private func substitute(_ state: OpaquePointer) throws(LibraryFailure) -> Int32 {
    let arguments = LibraryArguments(state)
    let subject = try arguments.string(1)
    let (pattern, anchored) = withoutAnchor(try arguments.string(2))
    let replacement = lua_type(state, 3)
    let maxReplacements = try arguments.optionalInteger(4, default: lua_Integer(subject.count) + 1)
    guard [LUA_TNUMBER, LUA_TSTRING, LUA_TFUNCTION, LUA_TTABLE].contains(replacement) else {
        throw .type(3, "string/function/table")
    }
    return try ResultBuffer.with(state) { buffer throws(LibraryFailure) -> Int32 in
        try PatternMatcher.with(state: state, subject: subject, pattern: pattern) {
            matcher throws(LibraryFailure) -> Int32 in
            try substituteMatches(state, subject, anchored: anchored, replacement, maxReplacements, &matcher, &buffer)
        }
    }
}

/// gsub's loop: each match replaced, the bytes between copied.
private func substituteMatches(
    _ state: OpaquePointer, _ subject: UnsafeBufferPointer<UInt8>, anchored: Bool, _ replacement: Int32,
    _ maxReplacements: lua_Integer, _ matcher: inout PatternMatcher, _ buffer: inout ResultBuffer
) throws(LibraryFailure) -> Int32 {
    var source = 0
    var lastMatch = -1
    var replacements: lua_Integer = 0
    var changed = false
    while replacements < maxReplacements {
        matcher.reset()
        if let end = try matcher.match(source, 0), end != lastMatch {
            replacements += 1
            let match = source..<end
            changed = try appendReplacement(state, replacement, for: match, of: matcher, to: &buffer) || changed
            source = end
            lastMatch = end
        } else if source < subject.count {
            try buffer.append(subject[source])
            source += 1
        } else {
            break
        }
        if anchored { break }
    }
    if changed {
        try buffer.append(UnsafeBufferPointer(rebasing: subject[source...]))
        try buffer.push(state)
    } else {
        lua_pushvalue(state, 1)
    }
    lua_pushinteger(state, replacements)
    return 2
}

/// Appends what replaces `match` (lstrlib.c's `add_value`); whether the subject changed there.
private func appendReplacement(
    _ state: OpaquePointer, _ replacement: Int32, for match: Range<Int>, of matcher: borrowing PatternMatcher,
    to buffer: inout ResultBuffer
) throws(LibraryFailure) -> Bool {
    switch replacement {
    case LUA_TFUNCTION:
        try matcher.call(3, withCapturesOf: match)
    case LUA_TTABLE:
        try matcher.index(3, withFirstCaptureOf: match)
    default:
        try appendReplacementString(state, for: match, of: matcher, to: &buffer)
        return true
    }
    guard lua_toboolean(state, -1) != 0 else {
        hr_pop(state, 1)
        try buffer.append(UnsafeBufferPointer(rebasing: matcher.subject[match]))  // the match stays as it was
        return false
    }
    guard lua_isstring(state, -1) != 0 else {
        let typeName = String(cString: lua_typename(state, lua_type(state, -1)))
        throw .error("invalid replacement value (a \(typeName))")
    }
    try appendValue(state, to: &buffer)
    return true
}

/// Appends the replacement string (argument 3) for `match`, with its `%0`-`%9` and `%%` items (lstrlib.c's
/// `add_s`).
private func appendReplacementString(
    _ state: OpaquePointer, for match: Range<Int>, of matcher: borrowing PatternMatcher, to buffer: inout ResultBuffer
) throws(LibraryFailure) {
    if lua_type(state, 3) == LUA_TNUMBER { try protected(hr_protected_tostring(state, 3)) }
    let text = LibraryArguments.bytes(state, at: 3)
    var start = 0
    while let escape = firstEscape(in: text, from: start) {
        try buffer.append(UnsafeBufferPointer(rebasing: text[start..<escape]))
        let item = escape + 1 < text.count ? text[escape + 1] : 0
        if item == UInt8(ascii: "%") {
            try buffer.append(item)
        } else if item == UInt8(ascii: "0") {
            try buffer.append(UnsafeBufferPointer(rebasing: matcher.subject[match]))
        } else if isDigit(item) {
            switch try matcher.capture(Int(item - UInt8(ascii: "1")), whole: match) {
            case .bytes(let range): try buffer.append(UnsafeBufferPointer(rebasing: matcher.subject[range]))
            case .position(let position): try buffer.append(decimal: position)
            }
        } else {
            throw .error("invalid use of '%' in replacement string")
        }
        start = escape + 2
    }
    try buffer.append(UnsafeBufferPointer(rebasing: text[start...]))
}

private func firstEscape(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    guard start < text.count, let base = text.baseAddress,
        let found = memchr(base + start, Int32(UInt8(ascii: "%")), text.count - start)
    else { return nil }
    return UnsafeRawPointer(base).distance(to: found)
}

/// Appends the string or number on top of the stack and pops it (lauxlib's `luaL_addvalue`).
func appendValue(_ state: OpaquePointer, to buffer: inout ResultBuffer) throws(LibraryFailure) {
    if lua_type(state, -1) == LUA_TNUMBER { try protected(hr_protected_tostring(state, -1)) }
    try buffer.append(LibraryArguments.bytes(state, at: -1))
    hr_pop(state, 1)
}
