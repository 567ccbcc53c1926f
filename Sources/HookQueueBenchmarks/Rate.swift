/// Requests handled in some time.
struct Rate {
    let items: Int
    let seconds: Double

    var perSecond: Double { Double(items) / seconds }

    /// Times `body`, which returns how many requests it handled.
    static func measure(_ body: () async throws -> Int) async rethrows -> Rate {
        let clock = ContinuousClock()
        let start = clock.now
        let items = try await body()
        let (seconds, attoseconds) = (clock.now - start).components
        return Rate(items: items, seconds: Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// Writes consecutive batches of `batch` requests with `write(first)` (numbered from `first`), one warm-up batch
    /// first, then as many as fit in `seconds`; the rate counts the timed batches.
    static func batches(
        of batch: Int, for seconds: Double, _ write: (_ first: Int) async throws -> Void
    ) async throws -> Rate {
        try await write(0)
        var next = batch
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        return try await measure {
            while ContinuousClock.now < deadline {
                try await write(next)
                next += batch
            }
            return next - batch
        }
    }
}
