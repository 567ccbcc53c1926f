import Foundation

/// The freshness window of a signed timestamp: a valid signature over a timestamp further than the tolerance from
/// now, either way, is refused. Compared in the timestamp's own unit with now rounded down to it, as the providers'
/// libraries do, so a timestamp exactly `tolerance` away still passes.
struct Freshness {
    let tolerance: Duration
    let header: String
    let unit: GenericHMAC.TimestampUnit

    /// The timestamp as an integer: digits only (no sign, no fraction), at most 18 of them.
    static func parse(_ text: String, header: String) throws(SignatureFailure) -> Int64 {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int64(text)
        else { throw .malformedHeader(header, reason: "has a timestamp that is not a whole number") }
        return value
    }

    func check(_ timestamp: Int64, now: Date) throws(SignatureFailure) {
        let perSecond: Int64 = unit == .seconds ? 1 : 1000
        let nowInUnit = Int64((now.timeIntervalSince1970 * Double(perSecond)).rounded(.down))
        let window = tolerance.components.seconds * perSecond + tolerance.components.attoseconds / (1_000_000_000_000_000_000 / perSecond)
        let offset = timestamp - nowInUnit
        if offset < -window {
            throw .timestampTooOld(header: header, age: duration(-offset), tolerance: tolerance)
        }
        if offset > window {
            throw .timestampInFuture(header: header, ahead: duration(offset), tolerance: tolerance)
        }
    }

    /// Formats `time` in the unit, as a signer writes it.
    static func timestamp(_ time: Date, unit: GenericHMAC.TimestampUnit) -> String {
        let perSecond: Double = unit == .seconds ? 1 : 1000
        return String(Int64((time.timeIntervalSince1970 * perSecond).rounded(.down)))
    }

    private func duration(_ units: Int64) -> Duration {
        unit == .seconds ? .seconds(units) : .milliseconds(units)
    }
}
