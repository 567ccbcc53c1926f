import HookModel

/// Transfer requests for the tests.
enum Requests {
    static func product(
        _ id: String, subscription: String = "shop-1", action: Scope.Action = .updated, direction: Direction = .to,
        debug: Bool = false, hookId: String? = nil
    ) -> TransferRequest {
        TransferRequest(
            subscription: subscription, integration: "shopify", scope: Scope(collection: "product", action: action),
            direction: direction, externalId: id, debug: debug, hookId: hookId
        )
    }

    static func products(_ count: Int, subscription: String = "shop-1") -> [TransferRequest] {
        (1...count).map { product("p\($0)", subscription: subscription) }
    }

    /// Every optional field set, ids that a number type would mangle.
    static let everyField = TransferRequest(
        subscription: "crm-7", integration: "hubspot", scope: Scope(collection: "transaction", action: .updated),
        direction: .from, externalId: "000184467440737095516170", childRequest: true,
        parent: RequestLink(kind: "message", externalId: "Car:1234"),
        origin: RequestLink(kind: "order message", externalId: "9007199254740993"),
        deleteTriggered: true, debug: true, hookId: "hooks/ünïcødé.json#3"
    )

    /// Every optional field empty.
    static let noOptionals = TransferRequest(
        subscription: "shop-1", integration: "shopify", scope: Scope(collection: "customer", action: .deleted),
        externalId: "1e3"
    )
}
