import LuaRuntime

/// What a rule's `handle(hook)` made of an input: its results, or the kind and message of its error.
enum RuleOutcome: Equatable {
    case values([LuaValue])
    case error(LuaError.Kind, String)

    /// Runs `source` (the body of `handle(hook)`) in a fresh state with `hook`.
    static func of(_ source: String, with hook: LuaInput) throws -> RuleOutcome {
        var rule = try RuleHarness("return { handle = function(hook) \(source) end }")
        do {
            return .values(try rule.handle(hook).values)
        } catch {
            return .error(error.kind, error.message)
        }
    }
}
