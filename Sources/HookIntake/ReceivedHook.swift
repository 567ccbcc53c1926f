import Foundation
import HookModel

/// A request as the intake server received it, before anything is decided about it: the subscription its path
/// names, the method, the path and query as sent (signature schemes may sign them), headers, and the raw body.
public struct ReceivedHook: Sendable {
    public var id: String
    public var subscription: String
    public var method: String
    /// The path and query exactly as requested (`/hooks/acme-shopify?shop=x`).
    public var target: String
    public var headers: HTTPHeaders
    public var query: [String: String]
    public var body: [UInt8]
    public var receivedAt: Date

    public init(
        id: String = HookIdentifier.next(), subscription: String, method: String = "POST", target: String,
        headers: HTTPHeaders, query: [String: String] = [:], body: [UInt8], receivedAt: Date = Date()
    ) {
        self.id = id
        self.subscription = subscription
        self.method = method
        self.target = target
        self.headers = headers
        self.query = query
        self.body = body
        self.receivedAt = receivedAt
    }

    /// The hook the rules see.
    public var hook: Hook {
        Hook(id: id, subscription: subscription, headers: headers, query: query, body: body, receivedAt: receivedAt)
    }
}
