import HookQueue
import HookModel

/// The JSON body an ``HTTPTarget`` posts: the request with its queue id, attempt and merge count.
///
/// `queueId` stays the same over every attempt of the request, so a target can recognise a redelivery (a worker
/// that crashed after posting but before completing makes one); it is also sent as the `Idempotency-Key` header.
public struct Delivery: Codable, Sendable, Hashable {
    public var queueId: String
    public var attempt: Int
    /// How many equal requests were merged into this one while it waited.
    public var coalesced: Int
    public var request: TransferRequest

    public init(_ claim: ClaimedRequest) {
        queueId = claim.id.description
        attempt = claim.attempt
        coalesced = claim.coalesced
        request = claim.request
    }
}
