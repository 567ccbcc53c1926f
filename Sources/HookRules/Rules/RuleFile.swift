import HookModel
import LuaRuntime

/// One integration's rule, loaded and checked: its source, where `rule { ... }` is called, and its catalog.
public struct RuleFile: Sendable {
    public let integration: String
    public let script: LuaScript
    public let catalog: ScopeCatalog
    /// The line of the `rule { ... }` call.
    public let line: Int
    /// External events the rule maps, and to which scope when that is fixed.
    package let events: [String: Scope?]
    /// Where each event's mapping is written in the file, for traces.
    package let mappingLines: [String: Int]
    /// The presets a subscription of this integration may set, with their types.
    public let presets: [String: PresetKind]
    /// The limits this integration's rule runs under.
    public let limits: LuaLimits
    /// What the host accepts of this integration's hooks, and of what its rule returns.
    public let hookLimits: HookLimits
}
