import Foundation

/// One incoming webhook as it was received: the subscription it came in for, the raw body bytes (kept exactly, for
/// signatures and replay) and headers whose names compare case-insensitively. Which integration's rule handles it
/// follows from the subscription.
public struct Hook: Sendable, Hashable {
    public var id: String
    public var subscription: String
    public var headers: HTTPHeaders
    public var query: [String: String]
    public var body: [UInt8]
    public var receivedAt: Date

    public init(
        id: String, subscription: String, headers: HTTPHeaders = [:], query: [String: String] = [:], body: [UInt8],
        receivedAt: Date = Date()
    ) {
        self.id = id
        self.subscription = subscription
        self.headers = headers
        self.query = query
        self.body = body
        self.receivedAt = receivedAt
    }
}
