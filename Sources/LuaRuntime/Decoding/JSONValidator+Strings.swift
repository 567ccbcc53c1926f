extension JSONValidator {
    /// Checks the string at the cursor (on its opening quote) the way the decoder reads it: no raw control
    /// characters, well-formed UTF-8, valid escapes; errors at the same bytes.
    mutating func validateString() throws(BodyDecodingError) {
        cursor += 1
        let contentStart = cursor
        // The decoder reports an unterminated string with escapes at its first backslash.
        var firstBackslash: UnsafePointer<UInt8>?
        while true {
            skipPlainASCII()
            guard cursor < end else { break }
            let byte = cursor.pointee
            if byte == UInt8(ascii: "\"") {
                cursor += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                if firstBackslash == nil { firstBackslash = cursor }
                try validateEscape()
            } else if byte < 0x20 {
                throw failure("control character \(describe(byte)) in a string must be escaped")
            } else if byte < 0x80 {
                cursor += 1
            } else {
                try skipMultibyteCharacter()
            }
        }
        throw failure("unterminated string", at: firstBackslash ?? contentStart - 1)
    }

    /// Steps over printable ASCII other than `"` and `\`, eight bytes at a time: the first byte that needs a look is
    /// found from a bit mask, without a branch per byte (short keys are one word).
    @inline(__always)
    private mutating func skipPlainASCII() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var position = cursor
        while end - position >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(position).loadUnaligned(as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // A byte is flagged when it is zero (after the xor), below 0x20, or has its high bit set. Borrows can
            // only flag bytes above one that is truly flagged, so the lowest flagged byte is a real one.
            let zeroQuote = (quotes &- ones) & ~quotes
            let zeroBackslash = (backslashes &- ones) & ~backslashes
            let control = (word &- ones &* 0x20) & ~word
            let flagged = (zeroQuote | zeroBackslash | control | word) & highs
            if flagged != 0 {
                cursor = position + flagged.trailingZeroBitCount >> 3
                return
            }
            position += 8
        }
        while position < end {
            let byte = position.pointee
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { break }
            position += 1
        }
        cursor = position
    }

    private mutating func validateEscape() throws(BodyDecodingError) {
        guard end - cursor >= 2 else { throw failure("unterminated escape") }
        let escaped = cursor[1]
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            cursor += 2
        case UInt8(ascii: "u"):
            // A surrogate pair is two escapes checked one after the other: the decoder fails at the same byte.
            guard end - cursor >= 6 else { throw failure("unterminated \\u escape") }
            for offset in 2..<6 where !cursor[offset].isHexDigit {
                throw failure("invalid hex digit in a \\u escape", at: cursor + offset)
            }
            cursor += 6
        default:
            throw failure("invalid escape \\\(Character(Unicode.Scalar(escaped)))")
        }
    }
}

extension UInt8 {
    var isHexDigit: Bool {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default: false
        }
    }
}
