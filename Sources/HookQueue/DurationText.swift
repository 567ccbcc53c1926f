extension Duration {
    /// `2 s`, `1.5 s`, `0 s`: to the nearest tenth of a second, a whole number without its `.0`. The one form every
    /// message and log line of the queue and its workers gives a duration in (Swift's own reads `2.0 seconds`).
    public var secondsText: String {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return "0 s" }
        let tenths = seconds * 10 + (attoseconds + 50_000_000_000_000_000) / 100_000_000_000_000_000
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }
}
