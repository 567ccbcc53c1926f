import HookModel
import HookRules

/// Runs fixture cases through a ``RuleEngine`` and says which match their expectations.
public struct FixtureRunner: Sendable {
    public let engine: RuleEngine

    public init(engine: RuleEngine) {
        self.engine = engine
    }

    /// The result of every case of a file, in order.
    public func run(_ file: RuleFixtureFile) async -> [FixtureResult] {
        var results: [FixtureResult] = []
        for fixtureCase in file.cases {
            results.append(await run(fixtureCase, of: file))
        }
        return results
    }

    /// A case whose rule did not load, or that cannot be prepared (see ``RuleFixtureFile/prepare(_:subscriptions:)``),
    /// does not run: its result has no outcome and says why.
    public func run(_ fixtureCase: FixtureCase, of file: RuleFixtureFile) async -> FixtureResult {
        var result = FixtureResult(file: file.path, integration: file.integration, fixtureCase: fixtureCase)
        let ruleProblems = file.ruleProblems(in: engine.book)
        guard ruleProblems.isEmpty else {
            result.problems = ruleProblems
            return result
        }
        let prepared: PreparedCase
        do {
            prepared = try file.prepare(fixtureCase, subscriptions: engine.subscriptions)
        } catch {
            result.problems = [error.message]
            return result
        }
        // A handshake the rule answers is all the server does with the request: nothing else runs.
        var outcome: HookOutcome
        if case .success(let reply?) = await engine.handshake(prepared.hook, subscription: prepared.subscription) {
            outcome = HookOutcome(hookId: prepared.hook.id)
            outcome.reply = reply
        } else {
            outcome = await engine.process(prepared.hook, subscription: prepared.subscription)
        }
        result.outcome = outcome
        result.problems = FixtureComparison(expected: fixtureCase.expected, outcome: outcome).differences
        return result
    }
}

/// How one case went.
public struct FixtureResult: Sendable {
    public let file: String
    public let integration: String
    public let fixtureCase: FixtureCase
    /// Nil when the case could not run (its rule did not load, a missing capture, an unknown subscription).
    public var outcome: HookOutcome?
    /// Empty when the case passed; otherwise the diff or the reason it could not run.
    public var problems: [String] = []

    public var passed: Bool { problems.isEmpty }
    /// `rules/shopify.fixtures.yaml:12`, where the case is written.
    public var location: String { "\(file):\(fixtureCase.line)" }

    /// The failure in one line, for reports that show one (a JUnit failure's message): each changed line of the
    /// diff's first section after its heading, `requests: - product/updated "1"; + product/updated "2"`, or the
    /// reason the case could not run. Empty when the case passed.
    public var summary: String {
        var heading: String?
        var changes: [String] = []
        for line in problems {
            if line.hasPrefix("- ") || line.hasPrefix("+ ") {
                changes.append(line)
            } else if line.hasPrefix("  ") {
                continue  // a line that matches
            } else if line.hasSuffix(":"), !line.contains(" ") || line.hasPrefix("errors ") {
                if !changes.isEmpty { break }
                heading = line
            } else if changes.isEmpty {
                return line  // not a diff: why the case could not run
            }
        }
        let shown = changes.prefix(4).joined(separator: "; ") + (changes.count > 4 ? "; ..." : "")
        return [heading, shown].compactMap { $0 }.joined(separator: " ")
    }
}
