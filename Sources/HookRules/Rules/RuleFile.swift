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
}
