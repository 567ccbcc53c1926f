import HookModel
import HookRulesConfig

/// What `hookrules test --update` does to one fixture file: every failing case that ran is rewritten to expect
/// its current outcome (exactly: its requests, ignored records and first error), in place; everything else in the
/// file, passing cases and comments included, stays byte for byte. A case that could not run (a missing capture, a
/// rule that did not load) cannot be rewritten and is listed with why.
public struct FixtureUpdate: Sendable {
    /// A failing case that was not rewritten, and why.
    public struct NotUpdated: Sendable {
        public let fixtureCase: FixtureCase
        public let reason: String
    }

    /// The file's new text; nil when no case was rewritten (the file is left as it is).
    public let text: String?
    /// The cases rewritten.
    public let updated: [FixtureCase]
    public let notUpdated: [NotUpdated]
}

extension RuleFixtureFile {
    /// Rewrites the failing cases among `results` (results of this file's cases; cases without a result, such
    /// as those `--filter` left out, are not touched). The new text is read back before it is offered: each
    /// rewritten case must now pass on its outcome and every other case must read as before, else the case is
    /// listed as not updated.
    public func updating(with results: [FixtureResult]) -> FixtureUpdate {
        var notUpdated: [FixtureUpdate.NotUpdated] = []
        var wanted: [Int: (expected: ExpectedOutcome, outcome: HookOutcome)] = [:]
        for result in results where !result.passed {
            guard let index = cases.firstIndex(where: { $0.line == result.fixtureCase.line }) else { continue }
            guard let outcome = result.outcome else {
                notUpdated.append(.init(
                    fixtureCase: cases[index], reason: "it could not run: " + result.problems.joined(separator: "; ")))
                continue
            }
            wanted[index] = (ExpectedOutcome(outcome), outcome)
        }
        // A rewrite that does not read back is dropped and the others tried again, so one odd case does not stop
        // the rest; the second time every rewrite has read back once, so two rounds settle it.
        for _ in 0..<2 {
            guard !wanted.isEmpty else { break }
            let text: String
            do {
                text = try FixtureSourceEditor(source: source, path: path, cases: cases)
                    .replacingExpectations(wanted.mapValues(\.expected))
            } catch {
                notUpdated += wanted.keys.sorted().map { .init(fixtureCase: cases[$0], reason: "\(error)") }
                wanted = [:]
                break
            }
            let unreadable = readBack(text, wanted: wanted)
            guard !unreadable.isEmpty else {
                return FixtureUpdate(
                    text: text, updated: wanted.keys.sorted().map { cases[$0] },
                    notUpdated: notUpdated.sorted { $0.fixtureCase.line < $1.fixtureCase.line })
            }
            for (index, reason) in unreadable {
                notUpdated.append(.init(fixtureCase: cases[index], reason: reason))
                wanted[index] = nil
            }
        }
        return FixtureUpdate(
            text: nil, updated: [], notUpdated: notUpdated.sorted { $0.fixtureCase.line < $1.fixtureCase.line })
    }

    /// The cases of `text` that do not read back as intended, with why: a rewritten case must pass on its
    /// outcome, and every case must keep its name, hook and subscription (and, when not rewritten, its
    /// expectation).
    private func readBack(
        _ text: String, wanted: [Int: (expected: ExpectedOutcome, outcome: HookOutcome)]
    ) -> [(Int, String)] {
        let reread: RuleFixtureFile
        do {
            reread = try RuleFixtureFile.parse(text, path: path)
        } catch {
            return wanted.keys.sorted().map { ($0, "the rewritten file does not read back: \(error)") }
        }
        guard reread.cases.count == cases.count, reread.subscription == subscription else {
            return wanted.keys.sorted().map { ($0, "the rewritten file does not read back with the same cases") }
        }
        var problems: [(Int, String)] = []
        for (index, (before, after)) in zip(cases, reread.cases).enumerated() {
            let same = before.name == after.name && before.hook == after.hook && before.subscription == after.subscription
            if let (_, outcome) = wanted[index] {
                let differences = FixtureComparison(expected: after.expected, outcome: outcome).differences
                if !same || !differences.isEmpty {
                    problems.append((index, "its rewrite does not read back as its outcome"))
                }
            } else if !same || before.expected != after.expected {
                // An edit reached into a case it should not have touched: blame the rewritten cases around it.
                let neighbours = wanted.keys.filter { abs($0 - index) == 1 }
                problems += (neighbours.isEmpty ? Array(wanted.keys) : neighbours).map {
                    ($0, "its rewrite changed case \"\(before.name)\" beside it")
                }
            }
        }
        return problems
    }
}

extension ExpectedOutcome {
    /// What a case must state to expect exactly `outcome`: its requests, its ignored records, its first error.
    init(_ outcome: HookOutcome) {
        self.init(
            match: .exact, requests: outcome.requests.map(ExpectedRequest.init),
            ignored: outcome.ignored.isEmpty ? nil : outcome.ignored.map(ExpectedIgnore.init),
            error: outcome.errors.first?.message)
    }
}
