import Foundation
import HookModel
import HookSignatures

/// One delivery a load client makes: a hook of a demo subscription whose records have ids no other hook uses (so
/// the queue cannot merge two hooks' requests), resent as it is — same body, same delivery id, signed afresh —
/// until the server acknowledges it, as providers do.
struct LoadHook: Sendable {
    let sender: DemoSender
    let headers: HTTPHeaders
    let body: [UInt8]
    /// External id → the scope of the request the hook's rule makes for it (either of several, when a test
    /// changes the rule while hooks are in flight).
    let expected: [String: Set<String>]
    /// Whether its rule reads a delivery id, so a redelivery of a committed hook must be a duplicate.
    let deduplicated: Bool

    /// The first id the load hooks use: above 2^53, so an id that passed through a double would show.
    static let firstId: UInt64 = 9_007_199_254_740_993

    /// A Shopify `products/update` of product `id`, with a delivery id of its own: one `product/updated` request.
    static func shopifyProduct(
        _ id: UInt64, sender: DemoSender = .shopify, scopes: Set<String> = ["product/updated"]
    ) -> LoadHook {
        LoadHook(
            sender: sender,
            headers: [
                "Content-Type": "application/json", "X-Shopify-Topic": "products/update",
                "X-Shopify-Webhook-Id": UUID().uuidString.lowercased(), "X-Shopify-Shop-Domain": "demo.myshopify.com",
            ],
            body: Array(#"{"id":\#(id),"title":"load test product \#(id)","status":"active"}"#.utf8),
            expected: ["\(id)": scopes], deduplicated: true)
    }

    /// A HubSpot delivery of three events (a contact, a company and a deal, ids `first`...`first + 2`): three
    /// requests, committed together or not at all. HubSpot deliveries carry no delivery id.
    static func hubspotBatch(_ first: UInt64) -> LoadHook {
        let events = [
            ("contact.propertyChange", first, "customer/updated"), ("company.creation", first + 1, "company/created"),
            ("deal.creation", first + 2, "deal/created"),
        ]
        let json = events.enumerated().map { offset, event in
            #"{"eventId":\#(first + UInt64(offset)),"subscriptionId":2171,"portalId":62515,"appId":1160452,"#
                + #""occurredAt":1700000000000,"subscriptionType":"\#(event.0)","attemptNumber":0,"#
                + #""objectId":\#(event.1),"changeSource":"CRM","propertyName":"email","propertyValue":"x@example.com"}"#
        }
        return LoadHook(
            sender: .hubspot, headers: ["Content-Type": "application/json"],
            body: Array("[\(json.joined(separator: ","))]".utf8),
            expected: Dictionary(uniqueKeysWithValues: events.map { ("\($0.1)", [$0.2]) }), deduplicated: false)
    }

    /// Shopify and HubSpot hooks in turn, numbered from 0: the crash and shutdown tests' load.
    static func mixed(_ number: UInt64) -> LoadHook {
        let id = firstId + 3 * number
        return number % 2 == 0 ? shopifyProduct(id) : hubspotBatch(id)
    }

    /// The hook posted to the server at `base`, signed now by its sender.
    func request(base: String) throws -> WebhookRequest {
        try sender.request(base: base, headers: headers, body: body)
    }
}
