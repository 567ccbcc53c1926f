import Foundation
import HookModel

/// One queued request as a listing shows it, whatever its state.
public struct QueueEntry: Sendable, Hashable {
    public var id: QueueItemID
    public var request: TransferRequest
    public var state: QueueState
    /// Claims so far, never reset (see ``ClaimedRequest/attempt``).
    public var attempt: Int
    public var coalesced: Int
    public var enqueuedAt: Date
    /// When a pending request may be claimed.
    public var dueAt: Date
    /// Set while claimed.
    public var leaseExpiresAt: Date?
    /// The worker holding it, or the last one that did.
    public var worker: String?
    public var lastError: String?

    public init(
        id: QueueItemID, request: TransferRequest, state: QueueState, attempt: Int, coalesced: Int,
        enqueuedAt: Date, dueAt: Date, leaseExpiresAt: Date?, worker: String?, lastError: String?
    ) {
        self.id = id
        self.request = request
        self.state = state
        self.attempt = attempt
        self.coalesced = coalesced
        self.enqueuedAt = enqueuedAt
        self.dueAt = dueAt
        self.leaseExpiresAt = leaseExpiresAt
        self.worker = worker
        self.lastError = lastError
    }
}
