import HookModel
import LuaRuntime

extension RuleEngine {
    /// Asks the subscription's rule whether `hook` is a handshake it answers (`handshake`): a request that is not an
    /// authenticated hook (a GET challenge, an unsigned activation ping). Returns its answer, or nil when the rule
    /// declares no handshake or this is not one. Nothing of a handshake is ever committed, so the rule runs on it
    /// without authentication, under the same sandbox and limits as any hook.
    public func handshake(_ hook: Hook, subscription: Subscription) async -> Result<HookReply?, RuleFailure> {
        let rules = current.withLock { $0 }
        guard let rule = rules.book.rules[subscription.integration], rule.intake.handshakes,
            let pool = rules.pools[subscription.integration]
        else { return .success(nil) }
        if let violation = rule.hookLimits.violation(of: hook) {
            return .failure(RuleFailure(message: violation, location: RuleLocation(file: rule.script.name, line: rule.line)))
        }
        let arguments = [HookInput.hook(hook, for: subscription, bodyFormat: rule.bodyFormat), HookInput.subscription(subscription)]
        let run = await pool.withState { state in
            Result { () throws(LuaError) in
                guard let script = state.script(named: rule.script.name) else {
                    throw LuaError(.contract, "\(rule.script.name) is not loaded")
                }
                return try state.call(script, function: "handshake", arguments: arguments)
            }
        }
        switch run {
        case .success(let result):
            guard let value = result.values.first, value != .nil else { return .success(nil) }
            do {
                return .success(try RequestValidator.reply(
                    RuleResult.Reply(status: value["status"], headers: value["headers"], body: value["body"])))
            } catch {
                return .failure(RuleFailure(message: error.message, location: RuleLocation(file: rule.script.name, line: rule.line)))
            }
        case .failure(let error):
            return .failure(RuleFailure(
                message: error.message,
                location: error.location.map(RuleLocation.init) ?? RuleLocation(file: rule.script.name, line: rule.line)))
        }
    }
}
