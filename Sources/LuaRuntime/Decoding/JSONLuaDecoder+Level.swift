import CLua
import CLuaShim

extension JSONLuaDecoder {
    /// Fills the table on top of the stack with the members (or elements) of one container of an already validated
    /// document, one level deep: each nested object or array becomes whatever `placeholder(ordinal)` pushes, and the
    /// cursor steps over it using `structure` instead of reading it.
    mutating func fillLevel(
        of ordinal: Int, in structure: JSONStructure, placeholder: (Int) -> Void
    ) throws(BodyDecodingError) {
        let container = structure.containers[ordinal]
        guard container.count > 0 else { return }
        guard lua_checkstack(state, 6) != 0 else { throw failure("the Lua stack is full") }
        cursor = start + container.start
        let isObject = cursor.pointee == UInt8(ascii: "{")
        cursor += 1
        skipWhitespace()
        var child = ordinal + 1
        var index: lua_Integer = 1
        while true {
            if isObject {
                try decodeString()
                skipWhitespace()
                cursor += 1  // ':'
                skipWhitespace()
                if cursor.pointee == UInt8(ascii: "n") {
                    cursor += 4  // a null member is left out, as when decoding eagerly
                    hr_pop(state, 1)
                } else {
                    try levelValue(child: &child, structure: structure, placeholder: placeholder)
                    lua_rawset(state, -3)
                }
            } else {
                try levelValue(child: &child, structure: structure, placeholder: placeholder)
                lua_rawseti(state, -2, index)
                index += 1
            }
            skipWhitespace()
            guard cursor.pointee == UInt8(ascii: ",") else { break }
            cursor += 1
            skipWhitespace()
        }
        try checkMemory()
    }

    private mutating func levelValue(
        child: inout Int, structure: JSONStructure, placeholder: (Int) -> Void
    ) throws(BodyDecodingError) {
        switch cursor.pointee {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            placeholder(child)
            let nested = structure.containers[child]
            cursor = start + nested.end + 1
            child = nested.next
        default:
            try decodeValue(depth: 0)
        }
    }
}
