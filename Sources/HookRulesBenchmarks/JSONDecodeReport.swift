import Foundation

/// Prints per-sample and overall MB/s for HookRules and lua-cjson side by side.
struct JSONDecodeReport {
    let ours: [Measurement]
    /// The same bodies validated and built lazily (outermost level only), as hooks receive them.
    let lazy: [Measurement]
    let reference: [String: Measurement]

    func print() throws {
        Swift.print(row("sample", "bytes", "HookRules MB/s", "lua-cjson MB/s", "ratio", "lazy MB/s", "ratio"))
        var ourBytes = 0.0, ourSeconds = 0.0, referenceBytes = 0.0, referenceSeconds = 0.0
        var lazyBytes = 0.0, lazySeconds = 0.0
        for (measurement, lazily) in zip(ours, lazy) {
            guard let other = reference[measurement.path] else {
                throw BenchmarkFailure("the reference did not report \(measurement.path)")
            }
            Swift.print(row(
                measurement.path, "\(measurement.bytes)", format(measurement.megabytesPerSecond),
                format(other.megabytesPerSecond), format(measurement.megabytesPerSecond / other.megabytesPerSecond) + "x",
                format(lazily.megabytesPerSecond), format(lazily.megabytesPerSecond / other.megabytesPerSecond) + "x"))
            lazyBytes += Double(lazily.bytes * lazily.iterations)
            lazySeconds += lazily.seconds
            ourBytes += Double(measurement.bytes * measurement.iterations)
            ourSeconds += measurement.seconds
            referenceBytes += Double(other.bytes * other.iterations)
            referenceSeconds += other.seconds
        }
        let ourRate = ourBytes / ourSeconds / 1_000_000
        let referenceRate = referenceBytes / referenceSeconds / 1_000_000
        let lazyRate = lazyBytes / lazySeconds / 1_000_000
        Swift.print(row(
            "ALL (bytes decoded / time)", "", format(ourRate), format(referenceRate), format(ourRate / referenceRate) + "x",
            format(lazyRate), format(lazyRate / referenceRate) + "x"))
    }

    private func row(_ columns: String...) -> String {
        let widths = [52, 8, 16, 16, 8, 10, 8]
        return zip(columns, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }
            .joined(separator: " ")
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
