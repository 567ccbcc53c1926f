import Foundation

/// The backends' stored time unit: integer microseconds since 1970, exact to compare and index. Shared by the
/// backends of this package (`package`), so each stores the same instants the same way; not public API.
package enum Microseconds {
    package static func of(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    package static func date(_ microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// A duration in microseconds, negative ones as zero.
    package static func of(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }
}
