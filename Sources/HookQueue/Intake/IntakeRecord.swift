import Foundation
import HookModel

/// What one received hook leaves in the queue database: its requests, the sender's delivery id (for dedup), or the
/// hook itself when it is kept for replay. Records of concurrent hooks are committed together, in one transaction
/// (``HookIntakeStore/commit(_:deliveryWindow:)``), and a hook is acknowledged only after that commit.
public struct IntakeRecord: Sendable, Hashable {
    public var subscription: String
    /// The sender's id for this delivery (GitHub's `X-GitHub-Delivery`, Standard Webhooks' `webhook-id`, ...): a
    /// record whose (subscription, delivery) was committed before, within the window, is a duplicate and adds nothing.
    public var delivery: String?
    public var requests: [TransferRequest]
    /// The hook itself, when it is kept: its rule failed (it is replayed once the rule is fixed).
    public var kept: KeptHook?
    /// Kept hooks this record replaces: a replayed hook that now resolves is removed in the same transaction that
    /// commits its requests, so it is never both queued and still kept.
    public var resolves: [String]

    public init(
        subscription: String, delivery: String? = nil, requests: [TransferRequest] = [], kept: KeptHook? = nil,
        resolves: [String] = []
    ) {
        self.subscription = subscription
        self.delivery = delivery
        self.requests = requests
        self.kept = kept
        self.resolves = resolves
    }
}

/// What a committed record became.
public enum IntakeResult: Sendable, Hashable {
    /// Its requests and kept hook are committed.
    case committed(EnqueueReceipt)
    /// Its delivery id was committed before, within the window, at that time: nothing was added.
    case duplicate(firstSeen: Date)
}
