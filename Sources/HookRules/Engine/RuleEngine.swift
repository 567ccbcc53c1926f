import HookModel
import LuaRuntime
import Synchronization

/// Runs hooks through their subscription's rule; safe to call from many tasks at once. Each integration has its own
/// pool of Lua states (sized to the cores, under that integration's limits), so one system's rule never waits for
/// or shares a state with another's. A hook whose rule fails comes back as a failed outcome holding the error.
///
/// Rules can be replaced while hooks run (``reload(book:subscriptions:)``): each hook runs entirely on the rules
/// current when it started, so a reload neither drops nor repeats a hook in flight.
public final class RuleEngine: Sendable {
    let current: Mutex<RuleSet>
    private let poolSize: Int
    /// Whether the engine counts, for coverage, the lines of the rule files its states run and the mappings the
    /// rules' results used.
    public let measuringCoverage: Bool
    /// The lines the rule files ran so far, gathered from the states after each hook when measuring coverage.
    let lineHits = Mutex(LineHits())
    /// The mappings the rules' results used so far, by integration, when measuring coverage.
    let mappingHits = Mutex([String: MappingHits]())

    /// - Parameter measuringCoverage: count the rule files' lines each hook runs and the mappings (events,
    ///   resolve steps) its result used, for the fixture runner's `--coverage`. Every state then gets a line hook;
    ///   leave it off when serving hooks.
    public init(
        book: RuleBook, subscriptions: [Subscription], poolSize: Int = LuaStatePool.defaultSize,
        measuringCoverage: Bool = false
    ) throws(LuaError) {
        self.poolSize = poolSize
        self.measuringCoverage = measuringCoverage
        current = Mutex(try RuleSet(
            generation: 1, book: book, subscriptions: subscriptions, poolSize: poolSize,
            countingLines: measuringCoverage, reusing: nil))
    }

    /// The rules in use now.
    public var book: RuleBook { current.withLock { $0.book } }
    /// Counts loads: 1 at start, one more per reload. Every outcome says which generation produced it.
    public var generation: Int { current.withLock { $0.generation } }
    public var subscriptions: SubscriptionDirectory { current.withLock { $0.subscriptions } }

    /// Swaps in new rules (and subscriptions, when given). States for the new rules are made before the swap, so
    /// hooks never wait on a reload; rules whose source did not change keep their states. Hooks already running
    /// finish on the old rules.
    @discardableResult
    public func reload(book: RuleBook, subscriptions: [Subscription]? = nil) throws(LuaError) -> Int {
        let previous = current.withLock { $0 }
        let next = try RuleSet(
            generation: previous.generation + 1, book: book,
            subscriptions: subscriptions ?? previous.subscriptions.subscriptions, poolSize: poolSize,
            countingLines: measuringCoverage, reusing: previous)
        // Generations only move forward even if two reloads race: the later-built set wins only if it is newer.
        current.withLock { set in
            if next.generation > set.generation { set = next }
        }
        return next.generation
    }

    /// Processes a hook for the subscription its `subscription` field names.
    public func process(_ hook: Hook) async -> HookOutcome {
        let rules = current.withLock { $0 }
        guard let subscription = rules.subscriptions[hook.subscription] else {
            var outcome = HookOutcome(hookId: hook.id, generation: rules.generation)
            outcome.errors.append(RuleFailure(message: "unknown subscription \"\(hook.subscription)\""))
            return outcome
        }
        return await process(hook, subscription: subscription, on: rules)
    }

    /// Processes a hook for a given subscription, which need not be configured (replays and fixtures).
    public func process(_ hook: Hook, subscription: Subscription) async -> HookOutcome {
        await process(hook, subscription: subscription, on: current.withLock { $0 })
    }

    private func process(_ hook: Hook, subscription: Subscription, on rules: RuleSet) async -> HookOutcome {
        var outcome = HookOutcome(hookId: hook.id, generation: rules.generation)
        guard let rule = rules.book.rules[subscription.integration], let pool = rules.pools[subscription.integration]
        else {
            if let problems = rules.book.failed[subscription.integration] {
                outcome.errors = problems.map {
                    RuleFailure(message: "the rule did not load: \($0.message)", location: $0.location)
                }
            } else {
                outcome.errors.append(RuleFailure(
                    message: "no rule for integration \"\(subscription.integration)\" in \(rules.book.folder)"))
            }
            return outcome
        }
        // Host limits come first, in linear time: nothing of a hook beyond them is decoded or handed to Lua.
        let ruleLine = RuleLocation(file: rule.script.name, line: rule.line)
        if let violation = rule.hookLimits.violation(of: hook) {
            outcome.errors.append(RuleFailure(message: violation, location: ruleLine))
            return outcome
        }
        // The generation's presets when this is its subscription (a replay or a fixture may bring its own).
        let configured = rules.subscriptions[subscription.id]
        let presets = configured?.presets == subscription.presets ? rules.luaPresets[subscription.id] : nil
        let arguments = [
            HookInput.hook(hook, for: subscription, bodyFormat: rule.bodyFormat),
            HookInput.subscription(subscription, presets: presets),
        ]
        let maxRequests = rule.hookLimits.requests
        let result = await pool.withState { state in
            defer { collectLineHits(from: &state) }
            return Result { () throws(LuaError) in
                guard let script = state.script(named: rule.script.name) else {
                    throw LuaError(.contract, "\(rule.script.name) is not loaded")
                }
                return try state.call(
                    script, function: "handle", arguments: arguments,
                    reading: { RuleResult(reading: $0, maxRequests: maxRequests) })
            }
        }
        switch result {
        case .success(let typed):
            // The generic reading when the typed reader declined: same fields, same decisions.
            let read = typed.read ?? RuleResult(typed.run.values.first ?? .nil)
            if let count = read.tooManyRequests ?? (read.requests.count > maxRequests ? read.requests.count : nil) {
                outcome.errors.append(RuleFailure(message: rule.hookLimits.tooManyRequests(count), location: ruleLine))
                outcome.log = typed.run.log
                return outcome
            }
            if measuringCoverage { countMappings(of: read, integration: rule.integration) }
            let validator = RequestValidator(rule: rule, subscription: subscription, hook: hook)
            return validator.outcome(from: read, log: typed.run.log, generation: rules.generation)
        case .failure(let error):
            // A rule that failed or hit a limit outside its own functions (in the rule API) is placed at its `rule {`
            // call; a body that does not decode is the hook's fault, not a line's.
            let ruleFault = error.kind == .runtime || error.isLimit
            outcome.errors.append(RuleFailure(
                message: error.message, location: error.location.map(RuleLocation.init) ?? (ruleFault ? ruleLine : nil),
                traceback: error.traceback))
            outcome.log = error.log
            return outcome
        }
    }
}
