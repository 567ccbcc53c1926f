import LuaRuntime

/// The rule API every rule file sees as globals: `rule`, `header`, `field`, `ignore`, `by_prefix`. Written in Lua
/// (RuleLanguage.lua beside this file, embedded at build time by the EmbedLuaSources plugin) and run as a trusted
/// host library, so a rule is one Lua call whose result is plain data: the host validates it against the
/// integration's catalog and applies the subscription's policies (see ``RequestValidator``).
///
/// Documented for rule authors in docs/rules.md and typed for editors in rules/.luals/hookrules.lua.
enum RuleLanguage {
    static let library = LuaLibrary(name: nil, script: LuaScript(name: "=hookrules.rules", text: source))

    static var source: String { EmbeddedLuaSources.ruleLanguage }
}
