/// One customer's connection to a system: which integration's rule handles its hooks, its presets
/// (system-specific settings rules may read, such as an id-prefix → collection table) and its policies.
public struct Subscription: Sendable, Hashable {
    public var id: String
    public var integration: String
    /// Free-form settings handed to the rule as `subscription.presets`.
    public var presets: [String: PresetValue]
    public var deletes: DeletePolicy
    /// Whether the subscription receives outbound (`from`) requests when another subscription's record of a
    /// collection it handles changes. On unless switched off.
    public var outbound: Bool

    public init(
        id: String, integration: String, presets: [String: PresetValue] = [:], deletes: DeletePolicy = .ignore,
        outbound: Bool = true
    ) {
        self.id = id
        self.integration = integration
        self.presets = presets
        self.deletes = deletes
        self.outbound = outbound
    }
}
