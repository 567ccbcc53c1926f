/// A request to transfer one record, the unit the dispatch queue carries.
public struct TransferRequest: Sendable, Hashable, Codable {
    public var subscription: String
    public var integration: String
    public var scope: Scope
    public var direction: Direction
    /// Always a string: ids are never numbers once they leave the rule, so no digit is lost.
    public var externalId: String
    /// Created by a prerequisite step as the child of the generic request named by `parent`.
    public var childRequest: Bool
    /// The generic request a prerequisite step resolved this one from.
    public var parent: RequestLink?
    /// The child record this request's record was derived from (an order message → its order).
    public var origin: RequestLink?
    /// Made from a delete hook under the `update` delete policy: only the id is known.
    public var deleteTriggered: Bool
    /// Goes to the front of the queue.
    public var debug: Bool
    public var hookId: String?

    public var mappingCollectionType: String { scope.collection }
    public var action: Scope.Action { scope.action }

    public init(
        subscription: String, integration: String, scope: Scope, direction: Direction = .to, externalId: String,
        childRequest: Bool = false, parent: RequestLink? = nil, origin: RequestLink? = nil,
        deleteTriggered: Bool = false, debug: Bool = false, hookId: String? = nil
    ) {
        self.subscription = subscription
        self.integration = integration
        self.scope = scope
        self.direction = direction
        self.externalId = externalId
        self.childRequest = childRequest
        self.parent = parent
        self.origin = origin
        self.deleteTriggered = deleteTriggered
        self.debug = debug
        self.hookId = hookId
    }
}

/// Points at a record by what it is and its id: a scope's collection, or a free-form kind such as "order message".
public struct RequestLink: Sendable, Hashable, Codable {
    public var kind: String
    public var externalId: String

    public init(kind: String, externalId: String) {
        self.kind = kind
        self.externalId = externalId
    }
}
