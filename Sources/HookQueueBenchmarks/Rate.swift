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
}
