import LuaRuntime

/// One customer's connection to a system: which integration's rule handles its hooks, its presets
/// (system-specific settings rules may read, such as an id-prefix → collection table) and its policies.
public struct Subscription: Sendable, Hashable {
    public var id: String
    public var integration: String
    /// Free-form settings handed to the rule as `subscription.presets`.
    public var presets: [String: LuaValue]
    public var deletes: DeletePolicy
    /// Whether the subscription receives outbound (`from`) requests when another subscription's record of a
    /// collection it handles changes. On unless switched off.
    public var outbound: Bool

    public init(
        id: String, integration: String, presets: [String: LuaValue] = [:], deletes: DeletePolicy = .ignore,
        outbound: Bool = true
    ) {
        self.id = id
        self.integration = integration
        self.presets = presets
        self.deletes = deletes
        self.outbound = outbound
    }
}

/// What happens to a `*/deleted` request. Deleting on a website should not silently delete in the point of sale,
/// so deletes are ignored unless the subscription says otherwise.
public enum DeletePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Deleted records are ignored (the default).
    case ignore
    /// Deleted records become delete requests.
    case delete
    /// Deleted records become `*/updated` requests marked as delete-triggered: the receiving side re-reads the record
    /// and decides. Only the id is known.
    case update
}
