import Foundation
import HookModel

/// A request a worker holds under a lease. Hand it back to the queue unchanged to settle it: the id and attempt
/// together fence every later operation.
public struct ClaimedRequest: Sendable, Hashable {
    public var id: QueueItemID
    public var request: TransferRequest
    /// 1 on the first claim, incremented by every claim and never reset: the fencing token.
    public var attempt: Int
    /// How many equal requests were merged into this one while it was pending.
    public var coalesced: Int
    public var worker: String
    public var leaseExpiresAt: Date
    public var enqueuedAt: Date
    /// The error of the previous failed attempt, if any.
    public var lastError: String?

    public init(
        id: QueueItemID, request: TransferRequest, attempt: Int, coalesced: Int, worker: String,
        leaseExpiresAt: Date, enqueuedAt: Date, lastError: String?
    ) {
        self.id = id
        self.request = request
        self.attempt = attempt
        self.coalesced = coalesced
        self.worker = worker
        self.leaseExpiresAt = leaseExpiresAt
        self.enqueuedAt = enqueuedAt
        self.lastError = lastError
    }
}
