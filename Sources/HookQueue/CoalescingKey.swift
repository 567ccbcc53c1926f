import HookModel

/// What makes two requests equal for coalescing, as the backends store it: subscription, scope, external id and
/// direction, as text. Not public API.
package struct CoalescingKey: Hashable, Sendable {
    package let subscription: String
    package let scope: String
    package let externalId: String
    package let direction: String

    package init(subscription: String, scope: String, externalId: String, direction: String) {
        self.subscription = subscription
        self.scope = scope
        self.externalId = externalId
        self.direction = direction
    }

    package init(_ request: TransferRequest) {
        self.init(
            subscription: request.subscription, scope: request.scope.description, externalId: request.externalId,
            direction: request.direction.rawValue
        )
    }

    /// Whether `request` has this key, without building its key.
    package func matches(_ request: TransferRequest) -> Bool {
        externalId == request.externalId && subscription == request.subscription
            && direction == request.direction.rawValue && scope == request.scope.description
    }
}
