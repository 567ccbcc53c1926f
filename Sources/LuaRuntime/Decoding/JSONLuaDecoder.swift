#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLua
import CLuaShim

/// Decodes JSON bytes straight onto a Lua stack: a single pass, no intermediate Swift values, strings without
/// escapes pushed directly from the input buffer.
///
/// Decided behaviour (documented for rule authors in docs/runtime.md):
/// - objects become tables with string keys; with duplicate keys the last one wins; members whose value is `null`
///   are left out;
/// - arrays become sequences; a `null` element (or a `null` document) becomes `json.null`, a NULL light userdata;
/// - integer literals within Int64 become Lua integers exactly; `-0` becomes integer 0; integer literals beyond
///   Int64, and numbers beyond a double's range (`1e400`), become strings holding the literal, so no digit is lost;
///   other numbers become floats (`strtod`, correctly rounded; `-0.0` stays negative);
/// - strings must be valid UTF-8 with no raw control characters; escapes are decoded and a lone surrogate escape
///   becomes U+FFFD;
/// - a leading UTF-8 byte order mark is skipped; anything but whitespace after the document is an error.
///
/// Runs while the memory account lets the host allocate without failure (see ``MemoryAccount``) and checks the limit
/// itself. Only non-raising Lua calls are used: `lua_rawset`/`lua_rawseti`, never metamethod-invoking setters.
struct JSONLuaDecoder: JSONScanner {
    let state: OpaquePointer
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var cursor: UnsafePointer<UInt8>
    let maxDepth: Int
    let memory: UnsafeMutablePointer<MemoryAccount>
    /// Unescaped string bytes, reused for every string that has escapes.
    var scratch: [UInt8] = []
    var valuesSinceMemoryCheck = 0

    static let memoryCheckInterval = 1_024

    /// Decodes one document from `bytes` and pushes it as one Lua value. On error the stack is as it was.
    static func push(
        _ bytes: UnsafeRawBufferPointer, onto state: OpaquePointer, maxDepth: Int,
        memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw BodyDecodingError(.json, offset: 0, reason: "empty document")
        }
        let start = base.assumingMemoryBound(to: UInt8.self)
        var decoder = JSONLuaDecoder(
            state: state, start: start, end: start + bytes.count, cursor: start, maxDepth: maxDepth, memory: memory)
        let top = lua_gettop(state)
        do {
            try decoder.decodeDocument()
        } catch {
            lua_settop(state, top)
            throw error
        }
    }

    private mutating func decodeDocument() throws(BodyDecodingError) {
        if end - cursor >= 3, cursor[0] == 0xEF, cursor[1] == 0xBB, cursor[2] == 0xBF {
            cursor += 3
        }
        skipWhitespace()
        guard cursor < end else { throw failure("empty document") }
        guard lua_checkstack(state, 8) != 0 else { throw failure("the Lua stack is full") }
        try decodeValue(depth: 0)
        skipWhitespace()
        guard cursor == end else { throw failure("unexpected data after the document") }
        try checkMemory()
    }

    // MARK: Values

    mutating func decodeValue(depth: Int) throws(BodyDecodingError) {
        guard cursor < end else { throw failure("unexpected end of input") }
        switch cursor.pointee {
        case UInt8(ascii: "{"): try decodeObject(depth: depth + 1)
        case UInt8(ascii: "["): try decodeArray(depth: depth + 1)
        case UInt8(ascii: "\""): try decodeString()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            lua_pushboolean(state, 1)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            lua_pushboolean(state, 0)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            lua_pushlightuserdata(state, nil)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try decodeNumber()
        default:
            throw failure("unexpected character \(describe(cursor.pointee))")
        }
        valuesSinceMemoryCheck &+= 1
        if valuesSinceMemoryCheck >= Self.memoryCheckInterval {
            try checkMemory()
        }
    }

    private mutating func decodeObject(depth: Int) throws(BodyDecodingError) {
        try enterContainer(depth: depth)
        lua_createtable(state, 0, 0)
        cursor += 1
        skipWhitespace()
        if cursor < end, cursor.pointee == UInt8(ascii: "}") {
            cursor += 1
            return
        }
        while true {
            try expectMemberName()
            try decodeString()
            try expectColon()
            if cursor < end, cursor.pointee == UInt8(ascii: "n") {
                try expectLiteral("null")
                hr_pop(state, 1)  // a null member is left out: absent reads as nil
            } else {
                try decodeValue(depth: depth)
                lua_rawset(state, -3)
            }
            guard try continues(closedBy: UInt8(ascii: "}")) else { return }
        }
    }

    private mutating func decodeArray(depth: Int) throws(BodyDecodingError) {
        try enterContainer(depth: depth)
        lua_createtable(state, 0, 0)
        cursor += 1
        skipWhitespace()
        if cursor < end, cursor.pointee == UInt8(ascii: "]") {
            cursor += 1
            return
        }
        var index: lua_Integer = 1
        while true {
            try decodeValue(depth: depth)
            lua_rawseti(state, -2, index)
            index += 1
            guard try continues(closedBy: UInt8(ascii: "]")) else { return }
        }
    }

    private mutating func enterContainer(depth: Int) throws(BodyDecodingError) {
        guard depth <= maxDepth else { throw failure("maximum nesting depth \(maxDepth) exceeded") }
        // Each open container keeps itself and one key on the stack.
        guard lua_checkstack(state, 4) != 0 else { throw failure("the Lua stack is full") }
    }

    // MARK: Helpers

    mutating func checkMemory() throws(BodyDecodingError) {
        valuesSinceMemoryCheck = 0
        if memory.pointee.isOverLimit {
            throw failure("the decoded body needs more memory than the rule's limit (\(memory.pointee.limit) bytes)")
        }
        // Decoding inside a run (json.decode) stops at the run's deadline like any other work.
        if memory.pointee.isPastDeadline {
            throw failure("the run's time limit passed while decoding")
        }
    }
}
