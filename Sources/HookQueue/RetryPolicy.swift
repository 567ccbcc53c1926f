/// How often and how late a failed request is tried again.
public struct RetryPolicy: Sendable {
    /// A request whose attempt number (since it was last retried from the dead letter) reaches this and fails is
    /// dead-lettered. At least 1.
    public var maxAttempts: Int
    /// The delay after failed attempt `a` (1-based) before the next one, unless the processor gave a Retry-After.
    public var backoff: @Sendable (_ attempt: Int) -> Duration

    public init(maxAttempts: Int, backoff: @escaping @Sendable (_ attempt: Int) -> Duration) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        self.maxAttempts = maxAttempts
        self.backoff = backoff
    }

    /// The seed platform's schedule: 10·a·(a+1) minutes after attempt a (20 min, 1 h, 2 h, 3 h 20 min, …).
    public static func platformBackoff(_ attempt: Int) -> Duration {
        .seconds(60 * 10 * attempt * (attempt + 1))
    }

    /// 10 attempts on the platform's schedule: the last retry comes 15 h after the 9th failure, 55 h after the first.
    public static let standard = RetryPolicy(maxAttempts: 10, backoff: platformBackoff)

    /// Delays from a table: `delays[a - 1]` after attempt a, the last entry repeated beyond the table.
    public static func table(_ delays: [Duration], maxAttempts: Int) -> RetryPolicy {
        precondition(!delays.isEmpty, "a backoff table needs at least one delay")
        return RetryPolicy(maxAttempts: maxAttempts) { attempt in
            delays[min(max(attempt, 1), delays.count) - 1]
        }
    }
}
