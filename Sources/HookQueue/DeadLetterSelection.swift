import HookModel

/// Which dead-lettered requests ``TransferQueue/retryDead(_:)`` puts back.
public enum DeadLetterSelection: Sendable, Hashable {
    /// These ids; ids that are not dead are left alone.
    case ids([QueueItemID])
    /// Every dead request matching all the given fields (nil matches anything; all nil is every dead request).
    case matching(subscription: String? = nil, scope: Scope? = nil)

    /// Every dead request.
    public static let all = DeadLetterSelection.matching(subscription: nil, scope: nil)
}
