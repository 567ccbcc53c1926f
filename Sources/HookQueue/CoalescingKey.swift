import HookRules

/// What makes two requests the same for coalescing: a request equal to a pending one by this key is merged into it.
public struct CoalescingKey: Sendable, Hashable {
    public var subscription: String
    public var scope: Scope
    public var externalId: String
    public var direction: Direction

    public init(_ request: TransferRequest) {
        subscription = request.subscription
        scope = request.scope
        externalId = request.externalId
        direction = request.direction
    }
}
