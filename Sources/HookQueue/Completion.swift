import HookModel

/// A claim that was processed, and the requests its processing calls for next (the outbound fan-out: `from`
/// requests for the other subscriptions listening to the record's collection). The follow-ups are enqueued in the
/// same transaction that removes the claim, and only when the claim is still held, so a crash can neither lose them
/// nor enqueue them for a request that will be processed again.
public struct Completion: Sendable, Hashable {
    public var claim: ClaimedRequest
    public var followUps: [TransferRequest]

    public init(_ claim: ClaimedRequest, followUps: [TransferRequest] = []) {
        self.claim = claim
        self.followUps = followUps
    }
}
