import Foundation

/// Prints per-sample and overall MB/s for HookRules and lua-cjson side by side.
struct JSONDecodeReport {
    let ours: [Measurement]
    let reference: [String: Measurement]

    func print() throws {
        Swift.print(row("sample", "bytes", "HookRules MB/s", "lua-cjson MB/s", "ratio"))
        var ourBytes = 0.0, ourSeconds = 0.0, referenceBytes = 0.0, referenceSeconds = 0.0
        for measurement in ours {
            guard let other = reference[measurement.path] else {
                throw BenchmarkFailure("the reference did not report \(measurement.path)")
            }
            Swift.print(row(
                measurement.path, "\(measurement.bytes)", format(measurement.megabytesPerSecond),
                format(other.megabytesPerSecond), format(measurement.megabytesPerSecond / other.megabytesPerSecond) + "x"))
            ourBytes += Double(measurement.bytes * measurement.iterations)
            ourSeconds += measurement.seconds
            referenceBytes += Double(other.bytes * other.iterations)
            referenceSeconds += other.seconds
        }
        let ourRate = ourBytes / ourSeconds / 1_000_000
        let referenceRate = referenceBytes / referenceSeconds / 1_000_000
        Swift.print(row("ALL (bytes decoded / time)", "", format(ourRate), format(referenceRate), format(ourRate / referenceRate) + "x"))
    }

    private func row(_ columns: String...) -> String {
        let widths = [52, 8, 16, 16, 8]
        return zip(columns, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }
            .joined(separator: " ")
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
