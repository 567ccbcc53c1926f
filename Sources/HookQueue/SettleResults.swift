import Foundation

/// What a heartbeat did: the claims whose leases were extended, and those no longer held.
public struct HeartbeatResult: Sendable, Hashable {
    /// The held claims with their new ``ClaimedRequest/leaseExpiresAt``.
    public var renewed: [ClaimedRequest]
    /// Claims whose lease was lost (rescued, re-claimed, or otherwise settled): stop working on them.
    public var lost: [ClaimedRequest]

    public init(renewed: [ClaimedRequest], lost: [ClaimedRequest]) {
        self.renewed = renewed
        self.lost = lost
    }
}

/// What completing a set of claims did.
public struct CompletionResult: Sendable, Hashable {
    public var completed: [QueueItemID]
    /// Claims that were no longer held, so were not completed: their requests are someone else's now.
    public var lost: [ClaimedRequest]

    public init(completed: [QueueItemID], lost: [ClaimedRequest]) {
        self.completed = completed
        self.lost = lost
    }
}

/// What a failed attempt became.
public enum FailureOutcome: Sendable, Hashable {
    /// Pending again, claimable from this time.
    case retryScheduled(at: Date)
    /// Its attempts are used up: dead-lettered with the error.
    case deadLettered
    /// An equal request had been enqueued while this one was claimed; the failed one was merged into that pending
    /// request (its count added), which will transfer the record.
    case mergedIntoPending(QueueItemID)
}
