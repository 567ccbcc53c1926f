/// Lua's `string.format("%q", s)` and its inverse, byte for byte as Lua 5.4 writes it, for reading the names the
/// rule API puts in `describe()`'s text (`event "products/update"`).
enum LuaQuoted {
    static func quote(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "\n"):
                out += [UInt8(ascii: "\\"), byte]
            case 0..<0x20, 0x7F:
                let nextIsDigit = index + 1 < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1])
                let digits = String(byte)
                let padded = nextIsDigit ? String(repeating: "0", count: 3 - digits.count) + digits : digits
                out += [UInt8(ascii: "\\")] + Array(padded.utf8)
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// The text of a `%q` literal; nil when `quoted` is not one.
    static func unquote(_ quoted: Substring) -> String? {
        let bytes = Array(quoted.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var index = 1
        while index < bytes.count - 1 {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count - 1 else { return nil }
            var digits = 0, value = 0
            while digits < 3, index < bytes.count - 1, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            if digits > 0 {
                guard value < 256 else { return nil }
                out.append(UInt8(value))
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
