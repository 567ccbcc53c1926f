import CLua
import CLuaShim

/// Decodes an `application/x-www-form-urlencoded` body onto a Lua stack as one table, following the WHATWG URL
/// standard's parser: pairs split on `&` (empty pieces skipped), the name ends at the first `=` (no `=`: the value
/// is empty), `+` is a space, `%XX` is decoded and a `%` not followed by two hex digits stays as it is.
///
/// A name that appears once maps to its value; a name that appears again maps to a list of all its values in order.
/// Bytes pass through unchanged (no UTF-8 check: forms carry whatever the sender's charset was).
struct FormLuaDecoder {
    static func push(
        _ bytes: UnsafeRawBufferPointer, onto state: OpaquePointer, maxPairs: Int,
        memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        let top = lua_gettop(state)
        guard lua_checkstack(state, 6) != 0 else {
            throw BodyDecodingError(.form, offset: 0, reason: "the Lua stack is full")
        }
        lua_createtable(state, 0, 0)
        var name: [UInt8] = []
        var value: [UInt8] = []
        var pieceStart = 0
        var pairs = 0
        let input = bytes.bindMemory(to: UInt8.self)
        while pieceStart <= input.count {
            let pieceEnd = input[pieceStart...].firstIndex(of: UInt8(ascii: "&")) ?? input.count
            let piece = input[pieceStart..<pieceEnd]
            if !piece.isEmpty {
                pairs += 1
                if pairs > maxPairs {
                    lua_settop(state, top)
                    throw BodyDecodingError(.form, offset: pieceStart, reason: "more than \(maxPairs) pairs (limits.form_pairs)")
                }
                if pairs % 1_024 == 0, memory.pointee.isPastDeadline {
                    lua_settop(state, top)
                    throw BodyDecodingError(.form, offset: pieceStart, reason: "the run's time limit passed while decoding")
                }
                let separator = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.endIndex
                percentDecode(piece[piece.startIndex..<separator], into: &name)
                percentDecode(piece[min(separator + 1, piece.endIndex)..<piece.endIndex], into: &value)
                addPair(name: name, value: value, to: state)
                if memory.pointee.isOverLimit {
                    lua_settop(state, top)
                    throw BodyDecodingError(.form, 
                        offset: pieceStart,
                        reason: "the decoded body needs more memory than the rule's limit (\(memory.pointee.limit) bytes)")
                }
            }
            pieceStart = pieceEnd + 1
        }
    }

    /// Sets table[name] = value on the table on top of the stack, turning a repeated name into a list.
    private static func addPair(name: [UInt8], value: [UInt8], to state: OpaquePointer) {
        pushBytes(name, state)
        lua_pushvalue(state, -1)
        switch lua_rawget(state, -3) {
        case LUA_TNIL:
            hr_pop(state, 1)
            pushBytes(value, state)
            lua_rawset(state, -3)
        case LUA_TSTRING:
            lua_createtable(state, 2, 0)
            hr_insert(state, -2)
            lua_rawseti(state, -2, 1)
            pushBytes(value, state)
            lua_rawseti(state, -2, 2)
            lua_rawset(state, -3)
        default:  // already a list
            pushBytes(value, state)
            lua_rawseti(state, -2, lua_Integer(lua_rawlen(state, -2)) + 1)
            hr_pop(state, 2)
        }
    }

    private static func pushBytes(_ bytes: [UInt8], _ state: OpaquePointer) {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
        }
    }

    private static func percentDecode(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
