import CLua

extension JSONLuaDecoder {
    /// Decodes the string at the cursor (on its opening quote) and pushes it. A string without escapes is pushed
    /// straight from the input; one with escapes is unescaped into `scratch` first.
    mutating func decodeString() throws(BodyDecodingError) {
        cursor += 1
        let contentStart = cursor
        while cursor < end {
            let byte = cursor.pointee
            if byte == UInt8(ascii: "\"") {
                lua_pushlstring(state, UnsafeRawPointer(contentStart).assumingMemoryBound(to: CChar.self), cursor - contentStart)
                cursor += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(start: contentStart, count: cursor - contentStart))
                try decodeEscapedRest()
                return
            }
            if byte < 0x20 { throw failure("control character \(describe(byte)) in a string must be escaped") }
            if byte < 0x80 {
                cursor += 1
            } else {
                try skipMultibyteCharacter()
            }
        }
        throw failure("unterminated string", at: contentStart - 1)
    }

    /// Continues a string from its first backslash, collecting its bytes in `scratch`.
    private mutating func decodeEscapedRest() throws(BodyDecodingError) {
        let stringStart = cursor
        while cursor < end {
            let byte = cursor.pointee
            switch byte {
            case UInt8(ascii: "\""):
                scratch.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
                }
                cursor += 1
                return
            case UInt8(ascii: "\\"):
                try decodeEscape()
            case 0..<0x20:
                throw failure("control character \(describe(byte)) in a string must be escaped")
            case 0..<0x80:
                scratch.append(byte)
                cursor += 1
            default:
                let characterStart = cursor
                try skipMultibyteCharacter()
                scratch.append(contentsOf: UnsafeBufferPointer(start: characterStart, count: cursor - characterStart))
            }
        }
        throw failure("unterminated string", at: stringStart)
    }

    private mutating func decodeEscape() throws(BodyDecodingError) {
        guard end - cursor >= 2 else { throw failure("unterminated escape") }
        let escaped = cursor[1]
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escaped)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            appendScalar(try decodeUnicodeEscape())
            return
        default:
            throw failure("invalid escape \\\(Character(Unicode.Scalar(escaped)))")
        }
        cursor += 2
    }

    /// Reads `\uXXXX` (and a following low surrogate escape, if this is a high one). A lone surrogate becomes U+FFFD.
    private mutating func decodeUnicodeEscape() throws(BodyDecodingError) -> UInt32 {
        let first = try readHexEscape()
        switch first {
        case 0xD800...0xDBFF:
            if end - cursor >= 6, cursor[0] == UInt8(ascii: "\\"), cursor[1] == UInt8(ascii: "u") {
                let saved = cursor
                let second = try readHexEscape()
                if (0xDC00...0xDFFF).contains(second) {
                    return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                }
                cursor = saved  // not a pair: the next escape is decoded on its own
            }
            return 0xFFFD
        case 0xDC00...0xDFFF:
            return 0xFFFD
        default:
            return first
        }
    }

    private mutating func readHexEscape() throws(BodyDecodingError) -> UInt32 {
        guard end - cursor >= 6 else { throw failure("unterminated \\u escape") }
        var value: UInt32 = 0
        for offset in 2..<6 {
            let byte = cursor[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in a \\u escape", at: cursor + offset)
            }
            value = value << 4 | UInt32(digit)
        }
        cursor += 6
        return value
    }

    private mutating func appendScalar(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
