import LuaRuntime

/// Runs hooks through their subscription's rule; safe to call from many tasks at once. Each integration has its own
/// pool of Lua states (sized to the cores, under that integration's limits), so one system's rule never waits for
/// or shares a state with another's. A hook whose rule fails comes back as a failed outcome holding the error.
public final class RuleEngine: Sendable {
    public let book: RuleBook
    public let subscriptions: [String: Subscription]
    private let pools: [String: LuaStatePool]

    public init(
        book: RuleBook, subscriptions: [Subscription], poolSize: Int = LuaStatePool.defaultSize
    ) throws(LuaError) {
        self.book = book
        self.subscriptions = Dictionary(subscriptions.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        var pools: [String: LuaStatePool] = [:]
        for (integration, rule) in book.rules {
            pools[integration] = try LuaStatePool(size: poolSize) { () throws(LuaError) in
                var state = try LuaState(limits: rule.limits, libraries: RuleBook.libraries)
                _ = try state.load(rule.script)
                return state
            }
        }
        self.pools = pools
    }

    public func process(_ hook: Hook) async -> HookOutcome {
        var outcome = HookOutcome(hookId: hook.id)
        guard let subscription = subscriptions[hook.subscription] else {
            outcome.errors.append(RuleFailure(message: "unknown subscription \"\(hook.subscription)\""))
            return outcome
        }
        guard let rule = book.rules[subscription.integration], let pool = pools[subscription.integration] else {
            outcome.errors.append(RuleFailure(
                message: "no rule for integration \"\(subscription.integration)\" in \(book.folder)"))
            return outcome
        }
        let arguments = [HookInput.hook(hook), HookInput.subscription(subscription)]
        let result = await pool.withState { state in
            Result { () throws(LuaError) in
                guard let script = state.script(named: rule.script.name) else {
                    throw LuaError(.contract, "\(rule.script.name) is not loaded")
                }
                return try state.call(script, function: "handle", arguments: arguments)
            }
        }
        switch result {
        case .success(let run):
            let validator = RequestValidator(rule: rule, subscription: subscription, hook: hook)
            return validator.outcome(from: run.values.first ?? .nil, log: run.log)
        case .failure(let error):
            outcome.errors.append(RuleFailure(message: error.message, location: error.location, traceback: error.traceback))
            outcome.log = error.log
            return outcome
        }
    }
}
