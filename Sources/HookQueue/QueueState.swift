/// Where a queued request is in its life. A completed request leaves the queue, so it has no state.
public enum QueueState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting to be claimed once due (new, retrying after a failure, released, or rescued).
    case pending
    /// Held by a worker under a lease.
    case claimed
    /// Dead-lettered: its attempts are used up; kept with its last error until retried on demand.
    case dead
}
