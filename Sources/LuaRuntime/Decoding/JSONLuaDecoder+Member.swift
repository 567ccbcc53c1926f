#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONLuaDecoder {
    enum MemberSearch {
        case missing
        /// Where the member's value starts, and the ordinal of that value when it is an object or array.
        case found(UnsafePointer<UInt8>, container: Int?)
        /// A member name has escapes: the caller builds the whole object instead of comparing decoded names.
        case escapedName
    }

    /// Finds member `name` of one object of an already validated document without building anything: the last
    /// member of that name whose value is not null, as eager decoding keeps (null members are left out, and a later
    /// duplicate replaces an earlier one).
    mutating func findMember(
        _ name: UnsafeRawBufferPointer, inObject ordinal: Int, of structure: JSONStructure
    ) -> MemberSearch {
        let object = structure.containers[ordinal]
        guard object.count > 0 else { return .missing }
        cursor = start + object.start + 1
        skipWhitespace()
        var child = ordinal + 1
        var result = MemberSearch.missing
        while true {
            let nameStart = cursor + 1
            let nameEnd = nextQuoteOrBackslash(from: nameStart)
            guard nameEnd.pointee == UInt8(ascii: "\"") else { return .escapedName }
            let matches = nameEnd - nameStart == name.count
                && (name.count == 0 || memcmp(nameStart, name.baseAddress.unsafelyUnwrapped, name.count) == 0)
            cursor = nameEnd + 1
            skipWhitespace()
            cursor += 1  // ':'
            skipWhitespace()
            let valueStart = cursor
            var container: Int?
            switch cursor.pointee {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                container = child
                let nested = structure.containers[child]
                cursor = start + nested.end + 1
                child = nested.next
            case UInt8(ascii: "\""):
                cursor = endOfString(from: cursor + 1) + 1
            default:
                while cursor < end, !Self.endsScalar(cursor.pointee) { cursor += 1 }
            }
            if matches, valueStart.pointee != UInt8(ascii: "n") {
                result = .found(valueStart, container: container)
            }
            skipWhitespace()
            guard cursor < end, cursor.pointee == UInt8(ascii: ",") else { return result }
            cursor += 1
            skipWhitespace()
        }
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: true
        default: false
        }
    }

    /// The closing quote of a validated string whose content starts at `position`, stepping over escapes.
    private func endOfString(from position: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var position = nextQuoteOrBackslash(from: position)
        while position.pointee == UInt8(ascii: "\\") {
            position = nextQuoteOrBackslash(from: position + 2)
        }
        return position
    }

    /// The first `"` or `\` at or after `position` (a validated string always has its closing quote).
    private func nextQuoteOrBackslash(from position: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        let ones: UInt64 = 0x0101_0101_0101_0101
        var position = position
        while end - position >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(position).loadUnaligned(as: UInt64.self))
            let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
            let flagged = ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & (ones &* 0x80)
            if flagged != 0 { return position + flagged.trailingZeroBitCount >> 3 }
            position += 8
        }
        while position < end, position.pointee != UInt8(ascii: "\""), position.pointee != UInt8(ascii: "\\") {
            position += 1
        }
        return position
    }
}
