import Foundation

/// Ids of received hooks: `hk_` then the receive time in milliseconds and 64 random bits, in hex. They sort by
/// arrival (kept hooks list in that order) and two servers receiving at the same millisecond never collide.
public enum HookIdentifier {
    public static func next(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded()))
        return "hk_" + hex(millis, width: 12) + hex(generator.next(), width: 16)
    }

    private static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
