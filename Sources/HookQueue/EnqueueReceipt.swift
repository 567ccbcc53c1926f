/// What an accepted batch became.
public struct EnqueueReceipt: Sendable, Hashable {
    /// One id per request, in the batch's order: the new row, or the pending row the request was merged into.
    public var ids: [QueueItemID]
    /// How many requests became new pending rows.
    public var inserted: Int
    /// How many were merged into a pending equal request (one queued earlier, or earlier in the same batch).
    public var coalesced: Int

    public init(ids: [QueueItemID], inserted: Int, coalesced: Int) {
        self.ids = ids
        self.inserted = inserted
        self.coalesced = coalesced
    }
}
