import LuaRuntime
import Testing

/// A rule under test: one script in one state, called the way the engine calls rules.
struct RuleHarness: ~Copyable {
    var state: LuaState
    let script: LuaScriptID

    init(
        _ source: String, name: String = "rules/test.lua", limits: LuaLimits = LuaLimits(),
        libraries: [LuaLibrary] = [], countingLines: Bool = false
    ) throws {
        var state = try LuaState(limits: limits, libraries: libraries, countingLines: countingLines)
        script = try state.load(LuaScript(name: name, text: source))
        self.state = state
    }

    /// Calls the script's `handle` function.
    mutating func handle(_ arguments: LuaInput...) throws(LuaError) -> LuaRun {
        try state.call(script, function: "handle", arguments: arguments)
    }

    /// Runs the script itself and returns its first result.
    mutating func result() throws(LuaError) -> LuaValue {
        try state.call(script).values.first ?? .nil
    }

    /// Proves the state serves a normal hook: a fresh script runs and sees a clean environment.
    mutating func expectHealthy(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let probe = try state.load(LuaScript(name: "rules/probe.lua", text: """
            return { handle = function(hook)
              return ("ok"):upper(), string.rep("x", 3), type(leaked), hook.n * 2
            end }
            """))
        let run = try state.call(probe, function: "handle", arguments: [.table([("n", .value(21))])])
        #expect(run.values == ["OK", "xxx", "nil", 42], sourceLocation: sourceLocation)
    }
}

/// The error a throwing call produced, or a recorded failure if it succeeded.
func expectLuaError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> LuaError? {
    do {
        try body()
        Issue.record("expected a LuaError", sourceLocation: sourceLocation)
        return nil
    } catch let error as LuaError {
        return error
    } catch {
        Issue.record("expected a LuaError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
