import Foundation

/// Ids of received hooks: `hk_` then the receive time in milliseconds and 64 random bits, in hex. They sort by
/// arrival (kept hooks list in that order) and two servers receiving at the same millisecond never collide.
public enum HookIdentifier {
    public static func next(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded()))
        // Written into one fixed buffer: every received hook gets an id.
        return String(unsafeUninitializedCapacity: 3 + 12 + 16) { buffer in
            buffer[0] = UInt8(ascii: "h")
            buffer[1] = UInt8(ascii: "k")
            buffer[2] = UInt8(ascii: "_")
            writeHex(millis, digits: 12, into: buffer, at: 3)
            writeHex(generator.next(), digits: 16, into: buffer, at: 15)
            return buffer.count
        }
    }

    /// The low `digits` hex digits of `value`, zero-padded (a millisecond clock fits 12 digits until the year 10889).
    private static func writeHex(_ value: UInt64, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var rest = value
        for position in stride(from: start + digits - 1, through: start, by: -1) {
            buffer[position] = hexDigits[Int(rest & 0xF)]
            rest >>= 4
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
