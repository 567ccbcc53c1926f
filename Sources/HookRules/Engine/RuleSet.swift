import HookModel
import LuaRuntime

/// One loaded generation of the rules: the book, the subscriptions and a pool of Lua states per integration.
/// Immutable; a reload makes a new one. A hook runs start to finish on the generation it started with, which
/// stays alive (and its states with it) until its last hook is done.
final class RuleSet: Sendable {
    let generation: Int
    let book: RuleBook
    let subscriptions: SubscriptionDirectory
    let pools: [String: LuaStatePool]
    /// Each configured subscription's presets as the Lua value rules read, made once per generation rather than
    /// once per hook.
    let luaPresets: [String: LuaValue]

    init(
        generation: Int, book: RuleBook, subscriptions: [Subscription], poolSize: Int, countingLines: Bool,
        reusing previous: RuleSet?
    ) throws(LuaError) {
        self.generation = generation
        self.book = book
        self.subscriptions = SubscriptionDirectory(subscriptions)
        luaPresets = Dictionary(
            subscriptions.map { ($0.id, HookInput.presets($0)) }, uniquingKeysWith: { first, _ in first })
        var pools: [String: LuaStatePool] = [:]
        for (integration, rule) in book.rules {
            // A rule whose source and limits did not change keeps its warm states.
            if let previous, let old = previous.book.rules[integration], let pool = previous.pools[integration],
                old.script == rule.script, old.limits == rule.limits
            {
                pools[integration] = pool
                continue
            }
            pools[integration] = try LuaStatePool(size: poolSize) { () throws(LuaError) in
                var state = try LuaState(limits: rule.limits, libraries: RuleBook.libraries, countingLines: countingLines)
                _ = try state.load(rule.script)
                return state
            }
        }
        self.pools = pools
    }
}
