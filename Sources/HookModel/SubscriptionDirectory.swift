/// Finds the subscription a hook is for when it does not say: the one named, else the only subscription of its
/// integration, else a default one named after the integration (no presets, deletes off). Two or more
/// subscriptions of one integration need the caller to name one.
public struct SubscriptionDirectory: Sendable {
    public let subscriptions: [Subscription]
    /// Positions by id: every hook looks its subscription up, and a platform has thousands.
    private let positions: [String: Int]

    public init(_ subscriptions: [Subscription]) {
        self.subscriptions = subscriptions
        positions = Dictionary(
            subscriptions.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(id: String) -> Subscription? { positions[id].map { subscriptions[$0] } }

    public func subscription(id: String?, integration: String) throws(SubscriptionLookupError) -> Subscription {
        if let id {
            guard let found = self[id] else { throw .unknown(id: id) }
            guard found.integration == integration else {
                throw .otherIntegration(id: id, integration: found.integration, wanted: integration)
            }
            return found
        }
        let candidates = subscriptions.filter { $0.integration == integration }
        switch candidates.count {
        case 0: return Subscription(id: integration, integration: integration)
        case 1: return candidates[0]
        default: throw .several(integration: integration, ids: candidates.map(\.id))
        }
    }
}

/// Why no subscription was found. How to name one depends on who asks (`replay --subscription`, a fixture's
/// `subscription:`), so the caller words that part: ``message(namingOne:)``.
public enum SubscriptionLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(id: String)
    case otherIntegration(id: String, integration: String, wanted: String)
    /// Several subscriptions use the integration and none was named.
    case several(integration: String, ids: [String])

    /// The message, ending for ``several(integration:ids:)`` with how the caller's user names one: `how` is
    /// `"with --subscription"` for `replay`.
    public func message(namingOne how: String) -> String {
        guard case .several = self else { return description }
        return "\(description); name one \(how)"
    }

    public var description: String {
        switch self {
        case .unknown(let id):
            "unknown subscription \"\(id)\""
        case .otherIntegration(let id, let integration, let wanted):
            "subscription \"\(id)\" is for \(integration), not \(wanted)"
        case .several(let integration, let ids):
            "several subscriptions use \(integration) (\(ids.joined(separator: ", ")))"
        }
    }
}
