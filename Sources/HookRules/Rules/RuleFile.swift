import HookModel
import LuaRuntime

/// One integration's rule, loaded and checked: its source, where `rule { ... }` is called, and its catalog.
public struct RuleFile: Sendable {
    public let integration: String
    public let script: LuaScript
    public let catalog: ScopeCatalog
    /// The line of the `rule { ... }` call.
    public let line: Int
    /// What the rule maps (events, scope, resolve steps) and where each is written, for traces and coverage.
    package let mappings: RuleMappings
    /// The presets a subscription of this integration may set, with their types.
    public let presets: [String: PresetKind]
    /// The limits this integration's rule runs under.
    public let limits: LuaLimits
    /// What the host accepts of this integration's hooks, and of what its rule returns.
    public let hookLimits: HookLimits
    /// The intake server's side of the rule: how its hooks are authenticated, which methods they may use.
    public let intake: RuleIntake
    /// The format the rule reads its bodies in (`body = "xml"`), whatever their Content-Type; nil to decide by it.
    public let bodyFormat: BodyFormat?
}

/// What a rule declares for the intake server (`verify`, `methods`, `delivery`, `reply`).
public struct RuleIntake: Sendable, Hashable {
    /// The provider's signature scheme (`verify = "shopify"`, or a table with `scheme` and its settings); the
    /// subscription gives the secret. nil when the rule declares none.
    public var signature: [String: String]?
    /// The methods the server accepts for this integration's hooks (POST unless the rule lists others).
    public var methods: Set<String>
    /// Whether the rule reads a delivery id from its hooks (redeliveries are then recognised).
    public var readsDelivery: Bool
    /// Whether the rule may answer hooks itself (`reply`).
    public var replies: Bool
    /// Whether the rule answers handshakes (`handshake`): requests that are not authenticated hooks (a GET
    /// challenge, an unsigned activation ping), answered without committing anything.
    public var handshakes: Bool
    /// The largest body the server reads for this integration's hooks, when the rule sets `limits.body_bytes`;
    /// nil leaves it to the server's setting (`serve --max-body`).
    public var maxBodyBytes: Int?

    public init(
        signature: [String: String]? = nil, methods: Set<String> = ["POST"], readsDelivery: Bool = false,
        replies: Bool = false, handshakes: Bool = false, maxBodyBytes: Int? = nil
    ) {
        self.signature = signature
        self.methods = methods
        self.readsDelivery = readsDelivery
        self.replies = replies
        self.handshakes = handshakes
        self.maxBodyBytes = maxBodyBytes
    }
}
