import HookModel
import LuaRuntime

/// One hook's rule run on a state of its own, its result read by the typed reader or by the generic one, so the
/// benchmark can measure what the typed reader saves (`hookrules-bench --only readers`). Not used to serve hooks.
package struct ResultReaderProbe: ~Copyable {
    package enum Reader: Sendable, CaseIterable {
        case typed, generic
    }

    private var state: LuaState
    private let script: LuaScriptID
    private let arguments: [LuaInput]

    package init(rule: RuleFile, hook: Hook, subscription: Subscription) throws(LuaError) {
        var state = try LuaState(limits: rule.limits, libraries: RuleBook.libraries)
        script = try state.load(rule.script)
        self.state = state
        arguments = [HookInput.hook(hook, for: subscription, bodyFormat: rule.bodyFormat), HookInput.subscription(subscription)]
    }

    /// Runs the rule and reads its result; returns how many requests it holds (so the work cannot be skipped).
    package mutating func run(reading reader: Reader) throws(LuaError) -> Int {
        switch reader {
        case .typed:
            let run = try state.call(script, function: "handle", arguments: arguments, reading: RuleResult.init(reading:))
            return (run.read ?? RuleResult(run.run.values.first ?? .nil)).requests.count
        case .generic:
            let run = try state.call(script, function: "handle", arguments: arguments)
            return RuleResult(run.values.first ?? .nil).requests.count
        }
    }
}
