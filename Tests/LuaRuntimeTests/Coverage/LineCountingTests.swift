import LuaRuntime
import Testing

@Suite("Line counting for coverage")
struct LineCountingTests {
    /// A rule-shaped chunk: a helper with a branch, a loop, and `return wrap { ... }` (a tail call) spanning lines.
    static let source = """
        local function classify(n)
          if n > 0 then
            return "positive"
          end
          return "other"
        end
        -- a comment

        return wrap { handle = function(n)
          local total = 0
          for i = 1, 3 do
            total = total + i
          end
          return classify(n), total
        end,
        }
        """
    static let name = "rules/counted.lua"
    /// `wrap` comes from a host library, whose own lines must never be counted.
    static let library = LuaLibrary(name: nil, script: LuaScript(name: "@host/wrap.lua", text: """
        local function wrap(rule)
          local result = rule
          return result
        end
        return { wrap = wrap }
        """))

    static func countingRule(limits: LuaLimits = LuaLimits()) throws -> RuleHarness {
        try RuleHarness(source, name: name, limits: limits, libraries: [library], countingLines: true)
    }

    @Test("a run counts the lines it ran, each as often as it ran, and only the loaded script's")
    func countsLinesOfTheRun() throws {
        var rule = try Self.countingRule()
        _ = try rule.handle(.value(5))
        let hits = rule.state.takeLineHits()
        #expect(Array(hits.counts.keys) == [Self.name])
        #expect(hits.lines(of: Self.name).keys.sorted() == [2, 3, 6, 9, 10, 11, 12, 14, 15])
        #expect(hits.count(script: Self.name, line: 12) == 3)  // the loop body, once per iteration
        #expect(hits.count(script: Self.name, line: 5) == 0)  // the branch not taken

        _ = try rule.handle(.value(-1))
        let second = rule.state.takeLineHits()
        #expect(second.count(script: Self.name, line: 5) == 1)
        #expect(second.count(script: Self.name, line: 3) == 0)
        #expect(second.count(script: Self.name, line: 10) == 1)  // counts start again from zero
    }

    @Test("without counting, nothing is counted")
    func offByDefault() throws {
        var rule = try RuleHarness(Self.source, name: Self.name, libraries: [Self.library])
        _ = try rule.handle(.value(5))
        #expect(rule.state.takeLineHits().isEmpty)
    }

    @Test("the instruction budget and the deadline still stop a rule while lines are counted")
    func limitsStillFire() throws {
        let looping = """
            return { handle = function(spin)
              local n = 0
              while spin do
                n = n + 1
              end
              return n
            end }
            """
        for (limits, kind) in [
            (LuaLimits(instructions: 100_000), LuaError.Kind.instructionLimit),
            (LuaLimits(instructions: .max, wallClock: .milliseconds(50)), .timeLimit),
        ] {
            var rule = try RuleHarness(looping, name: "rules/loop.lua", limits: limits, countingLines: true)
            #expect(expectLuaError { _ = try rule.handle(.value(true)) }?.kind == kind)
            // The failed run's lines survive the state's replacement, and the replaced state counts on.
            _ = try rule.handle(.value(false))
            let hits = rule.state.takeLineHits()
            #expect(hits.count(script: "rules/loop.lua", line: 4) > 1_000)
            #expect(hits.count(script: "rules/loop.lua", line: 6) == 1)
        }
    }

    @Test("executable lines: every function's, nested ones included, without comments, blanks and dead returns")
    func executableLines() throws {
        let rule = try Self.countingRule()
        // 1 (`local function` header), 4 and 13 (a lone `end` of an if / a loop) hold no instruction; 16 holds only
        // the returns after the tail call to `wrap`, which never run.
        #expect(try rule.state.executableLines(of: rule.script) == [2, 3, 5, 6, 9, 10, 11, 12, 14, 15])
    }

    @Test("a chunk's closing line counts when a jump lands on its final return, not when a return comes before it")
    func closingLine() throws {
        var state = try LuaState(countingLines: true)
        let fallsThrough = try state.load(LuaScript(name: "rules/falls.lua", text: """
            local n = 1
            if n > 2 then
              return "big"
            end
            """))
        let returns = try state.load(LuaScript(name: "rules/returns.lua", text: """
            local n = 1
            if n > 2 then
              return "big"
            end
            return "small"
            """))
        #expect(try state.executableLines(of: fallsThrough) == [1, 2, 3, 4])
        #expect(try state.executableLines(of: returns) == [1, 2, 3, 5])
        _ = try state.call(fallsThrough)
        #expect(state.takeLineHits().lines(of: "rules/falls.lua").keys.sorted() == [1, 2, 4])
    }

    @Test("every line a run reaches is an executable line")
    func hitsAreExecutable() throws {
        var rule = try Self.countingRule()
        for argument: LuaValue in [5, -1, 0] {
            _ = try rule.handle(.value(argument))
        }
        let executable = Set(try rule.state.executableLines(of: rule.script))
        let reached = Set(rule.state.takeLineHits().lines(of: Self.name).keys)
        #expect(reached.isSubset(of: executable))
        #expect(executable.subtracting(reached).isEmpty)  // both branches ran
    }
}
