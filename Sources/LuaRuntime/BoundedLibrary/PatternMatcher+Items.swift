/// Single-character items of a pattern: `.`, `%x` classes, `[...]` sets and plain bytes (lstrlib.c's `classEnd`,
/// `singlematch`, `matchbracketclass` and `match_class`).
extension PatternMatcher {
    /// The index just past the single-character item that starts at `start`.
    func itemEnd(_ start: Int) throws(LibraryFailure) -> Int {
        var p = start + 1
        switch pattern[start] {
        case UInt8(ascii: "%"):
            guard p < pattern.count else { throw .error("malformed pattern (ends with '%')") }
            return p + 1
        case UInt8(ascii: "["):
            if patternByte(p) == UInt8(ascii: "^") { p += 1 }
            repeat {  // the first byte after '[' (or '[^') never closes the set
                guard p < pattern.count else { throw .error("malformed pattern (missing ']')") }
                let byte = pattern[p]
                p += 1
                if byte == UInt8(ascii: "%"), p < pattern.count { p += 1 }  // an escaped byte, such as '%]'
            } while patternByte(p) != UInt8(ascii: "]")
            return p + 1
        default:
            return p
        }
    }

    /// Whether the subject's byte at `s` is matched by the item from `p` to `end`.
    @inline(__always)
    func singleMatches(_ s: Int, _ p: Int, _ end: Int) -> Bool {
        guard s < subject.count else { return false }
        let byte = subject[s]
        switch pattern[p] {
        case UInt8(ascii: "."): return true
        case UInt8(ascii: "%"): return classContains(byte, pattern[p + 1])
        case UInt8(ascii: "["): return setContains(byte, p, end - 1)
        default: return pattern[p] == byte
        }
    }

    /// Whether `byte` is in the set that starts with the '[' at `start` and ends with the ']' at `close`.
    func setContains(_ byte: UInt8, _ start: Int, _ close: Int) -> Bool {
        var p = start
        var inSet = true
        if pattern[p + 1] == UInt8(ascii: "^") {
            inSet = false
            p += 1
        }
        p += 1
        while p < close {
            if pattern[p] == UInt8(ascii: "%") {
                p += 1
                if classContains(byte, pattern[p]) { return inSet }
            } else if pattern[p + 1] == UInt8(ascii: "-"), p + 2 < close {
                p += 2
                if pattern[p - 2] <= byte, byte <= pattern[p] { return inSet }
            } else if pattern[p] == byte {
                return inSet
            }
            p += 1
        }
        return !inSet
    }
}

/// Whether `byte` is in the class `%letter`: an upper-case class letter is the complement of its lower-case class,
/// and any other letter stands for itself. lstrlib.c asks <ctype.h>, whose answers depend on the C library's
/// locale; the host never calls setlocale, so the process stays in the "C" locale, whose classes these are
/// (`PatternParityTests` compares every class on every byte with Lua's).
@inline(__always)
func classContains(_ byte: UInt8, _ letter: UInt8) -> Bool {
    let isAlpha = (byte | 0x20) &- UInt8(ascii: "a") < 26
    let isDigit = byte &- UInt8(ascii: "0") < 10
    let isGraph = byte &- 0x21 < 0x5E  // '!' ... '~'
    let contains: Bool
    switch letter | 0x20 {  // tolower, for the class letters
    case UInt8(ascii: "a"): contains = isAlpha
    case UInt8(ascii: "c"): contains = byte < 0x20 || byte == 0x7F
    case UInt8(ascii: "d"): contains = isDigit
    case UInt8(ascii: "g"): contains = isGraph
    case UInt8(ascii: "l"): contains = byte &- UInt8(ascii: "a") < 26
    case UInt8(ascii: "p"): contains = isGraph && !isAlpha && !isDigit
    case UInt8(ascii: "s"): contains = byte == UInt8(ascii: " ") || byte &- 0x09 < 5  // '\t' ... '\r'
    case UInt8(ascii: "u"): contains = byte &- UInt8(ascii: "A") < 26
    case UInt8(ascii: "w"): contains = isAlpha || isDigit
    case UInt8(ascii: "x"): contains = isDigit || (byte | 0x20) &- UInt8(ascii: "a") < 6
    case UInt8(ascii: "z"): contains = byte == 0  // deprecated since Lua 5.2, still accepted by 5.4
    default: return letter == byte
    }
    let isUpperLetter = letter &- UInt8(ascii: "A") < 26
    return contains != isUpperLetter
}
