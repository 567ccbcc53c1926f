/// Finds the subscription a hook is for when it does not say: the one named, else the only subscription of its
/// integration, else a default one named after the integration (no presets, deletes off). Two or more
/// subscriptions of one integration need the caller to name one.
public struct SubscriptionDirectory: Sendable {
    public let subscriptions: [Subscription]

    public init(_ subscriptions: [Subscription]) {
        self.subscriptions = subscriptions
    }

    public subscript(id: String) -> Subscription? { subscriptions.first { $0.id == id } }

    public func subscription(id: String?, integration: String) throws(SubscriptionLookupError) -> Subscription {
        if let id {
            guard let found = self[id] else { throw SubscriptionLookupError(message: "unknown subscription \"\(id)\"") }
            guard found.integration == integration else {
                throw SubscriptionLookupError(
                    message: "subscription \"\(id)\" is for \(found.integration), not \(integration)")
            }
            return found
        }
        let candidates = subscriptions.filter { $0.integration == integration }
        switch candidates.count {
        case 0: return Subscription(id: integration, integration: integration)
        case 1: return candidates[0]
        default:
            throw SubscriptionLookupError(message: "several subscriptions use \(integration) ("
                + candidates.map(\.id).joined(separator: ", ") + "); name one with --subscription")
        }
    }
}

public struct SubscriptionLookupError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
