import Foundation

/// One incoming webhook as it was received: raw body bytes (kept exactly, for signatures and replay) and headers
/// whose names compare case-insensitively.
public struct Hook: Sendable, Hashable {
    public var id: String
    public var integration: String
    public var subscription: String
    public var headers: HTTPHeaders
    public var query: [String: String]
    public var body: [UInt8]
    public var receivedAt: Date

    public init(
        id: String, integration: String, subscription: String, headers: HTTPHeaders = [:],
        query: [String: String] = [:], body: [UInt8], receivedAt: Date = Date()
    ) {
        self.id = id
        self.integration = integration
        self.subscription = subscription
        self.headers = headers
        self.query = query
        self.body = body
        self.receivedAt = receivedAt
    }

    /// How the body is decoded for the rule, from the Content-Type (JSON unless it says form).
    public var bodyFormat: BodyFormat {
        let type = headers["content-type"]?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") { return .form }
        if body.isEmpty { return .none }
        return .json
    }

    public enum BodyFormat: Sendable {
        case json, form, none
    }
}
