#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte-level grammar the JSON decoder and validator share, so both accept the same documents and report the
/// same problem at the same byte.
protocol JSONScanner {
    var start: UnsafePointer<UInt8> { get }
    var end: UnsafePointer<UInt8> { get }
    var cursor: UnsafePointer<UInt8> { get set }
}

extension JSONScanner {
    @inline(__always)
    mutating func skipWhitespace() {
        // Most values follow their ':' or ',' directly or after one space.
        if cursor < end, cursor.pointee > 0x20 { return }
        while cursor < end {
            // Indentation of pretty-printed bodies, eight spaces at a time.
            while end - cursor >= 8, UnsafeRawPointer(cursor).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 {
                cursor += 8
            }
            guard cursor < end else { return }
            switch cursor.pointee {
            case 0x20, 0x0A, 0x0D, 0x09: cursor += 1
            default: return
            }
        }
    }

    /// After a member or element: true when a ',' says another follows, false when `closing` ends the container.
    @inline(__always)
    mutating func continues(closedBy closing: UInt8) throws(BodyDecodingError) -> Bool {
        skipWhitespace()
        // Named only when it fails: building the name on every member would cost a string per member of every body.
        var container: String { closing == UInt8(ascii: "}") ? "an object" : "an array" }
        guard cursor < end else { throw failure("unexpected end of input in \(container)") }
        switch cursor.pointee {
        case UInt8(ascii: ","):
            cursor += 1
            skipWhitespace()
            return true
        case closing:
            cursor += 1
            return false
        default:
            throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))' in \(container)")
        }
    }

    /// Checks that an object member's name (a string) starts at the cursor.
    @inline(__always)
    func expectMemberName() throws(BodyDecodingError) {
        guard cursor < end else { throw failure("unexpected end of input in an object") }
        guard cursor.pointee == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
    }

    /// Steps over the ':' after a member name and the whitespace around it.
    @inline(__always)
    mutating func expectColon() throws(BodyDecodingError) {
        skipWhitespace()
        guard cursor < end, cursor.pointee == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
        cursor += 1
        skipWhitespace()
    }

    @inline(__always)
    mutating func expectLiteral(_ literal: StaticString) throws(BodyDecodingError) {
        let count = literal.utf8CodeUnitCount
        guard end - cursor >= count, memcmp(cursor, literal.utf8Start, count) == 0 else {
            throw failure("invalid literal (expected \(literal))")
        }
        cursor += count
    }

    /// Steps over one UTF-8 encoded character of two to four bytes, rejecting what RFC 3629 forbids: overlong forms,
    /// UTF-16 surrogates, code points above U+10FFFF and truncated sequences.
    mutating func skipMultibyteCharacter() throws(BodyDecodingError) {
        let lead = cursor.pointee
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw failure("invalid UTF-8 byte \(describe(lead))")
        }
        guard end - cursor >= length else { throw failure("truncated UTF-8 sequence") }
        guard secondRange.contains(cursor[1]) else { throw failure("invalid UTF-8 sequence", at: cursor + 1) }
        for offset in 2..<length where !(0x80...0xBF).contains(cursor[offset]) {
            throw failure("invalid UTF-8 sequence", at: cursor + offset)
        }
        cursor += length
    }

    func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    func failure(_ reason: String, at position: UnsafePointer<UInt8>? = nil) -> BodyDecodingError {
        BodyDecodingError(.json, offset: (position ?? cursor) - start, reason: reason)
    }

    func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16, uppercase: true))"
    }
}
