import ArgumentParser
import Foundation
import HookRules
import HookRulesConfig
import HookRulesTesting

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the rule fixtures (<integration>.fixtures.yaml) and report every mismatch as a diff.",
        discussion: """
            Each case replays a capture (or a hook written into the case) through its rule and compares the \
            outcome with the case's requests, ignored records or expected error (docs/testing-rules.md). The exit \
            status is 1 when any case fails. A rule file that does not load fails its own cases, naming its \
            problem; the other rules' cases still run.

            --update rewrites, in place, each failing case (with --filter, each failing selected case) to expect \
            what its rule does now; passing cases, other files and comments stay byte for byte. A case that could \
            not run cannot be rewritten: the exit status is then 1.

            --coverage then lists, per rule file, how many of its executable lines the cases ran (showing the \
            lines they never reached) and how many of its mappings they exercised (showing the on entries, unless \
            presets, scope and resolve steps no case used); --coverage-lcov writes both as an LCOV tracefile \
            (mappings as branch records). With --filter, only the rule files of the selected cases are reported. \
            --fail-under N fails the run when line or mapping coverage is below N %.

            Examples:
              hookrules test rules/
              hookrules test rules/ --filter shopify
              hookrules test rules/ --update          # rewrite failing cases from what the rules do now
              hookrules test rules/ --junit build/fixtures.xml
              hookrules test rules/ --coverage        # after the results, per rule file:
                rules/github.lua       20/20 lines (100 %)
              hookrules test rules/ --coverage --fail-under 100
              hookrules test rules/ --coverage-lcov build/rules.lcov
            """
    )

    @Argument(help: "The folder with the rule files and their fixtures.")
    var folder = "rules"

    @OptionGroup var subscriptionsOption: SubscriptionsOption

    @Option(help: "Run only cases whose file or name contains this text.")
    var filter: String?

    @Flag(help: "Rewrite each failing case to expect the current outcome (golden files), leaving the rest as it is.")
    var update = false

    @Option(help: ArgumentHelp("Also write the results as JUnit XML.", valueName: "file"))
    var junit: String?

    @Flag(help: "Report which lines and mappings of each rule file the cases ran, and show those they never did.")
    var coverage = false

    @Option(
        name: .customLong("coverage-lcov"),
        help: ArgumentHelp("Write the rule files' line and mapping coverage as an LCOV tracefile.", valueName: "file"))
    var coverageLCOV: String?

    @Option(
        name: .customLong("fail-under"),
        help: ArgumentHelp("Fail when line or mapping coverage is below this percentage (0-100).", valueName: "percent"))
    var failUnder: Int?

    func validate() throws {
        if let failUnder, !(0...100).contains(failUnder) {
            throw ValidationError("--fail-under must be a percentage from 0 to 100, not \(failUnder)")
        }
    }

    private var measuringCoverage: Bool { coverage || coverageLCOV != nil || failUnder != nil }

    mutating func run() async throws {
        let rules = try RuleFolder.loadForCommand(
            folder: folder, subscriptionsPath: subscriptionsOption.subscriptions, policy: .keepLoadable)
        let ruleProblems = printProblems(rules.book.problems)
        let engine = try rules.commandEngine(measuringCoverage: measuringCoverage)
        let runner = FixtureRunner(engine: engine)
        let paths = RuleFixtureFile.paths(in: folder)
        guard !paths.isEmpty else { throw CommandFailure("no fixture files (*\(RuleFixtureFile.suffix)) in \(folder)") }
        var all: [FixtureResult] = []
        var integrationsRun: Set<String> = []
        var broken = 0
        var notUpdated = 0
        for path in paths {
            let file: RuleFixtureFile
            do {
                file = try RuleFixtureFile.load(path: path)
            } catch {
                printProblems(error.problems)
                broken += 1
                continue
            }
            var results: [FixtureResult] = []
            for fixtureCase in file.cases where selected(fixtureCase, in: file) {
                let result = await runner.run(fixtureCase, of: file)
                report(result)
                results.append(result)
            }
            if update { notUpdated += try rewrite(file, with: results) }
            all += results
            if !results.isEmpty { integrationsRun.insert(file.integration) }
        }
        let failed = all.filter { !$0.passed }.count
        print("\(all.count - failed) passed, \(failed) failed" + (broken > 0 ? ", \(broken) fixture file(s) unreadable" : ""))
        if let junit {
            try Data(JUnitReport(results: all).xml.utf8).write(to: URL(fileURLWithPath: junit))
        }
        var shortfalls: [String] = []
        if measuringCoverage {
            // Unfiltered, every rule file is reported, those without fixtures too (they are the least covered).
            shortfalls = try await reportCoverage(of: filter == nil ? Set(engine.book.rules.keys) : integrationsRun, by: engine)
        }
        var summary = shortfalls
        if notUpdated > 0 { summary.append("\(notUpdated) failing case(s) could not be updated") }
        if ruleProblems > 0 { summary.append("\(rules.book.failed.count) rule file(s) did not load") }
        if !summary.isEmpty || (failed > 0 && !update) || broken > 0 {
            throw CommandFailure(summary, status: CommandFailure.failureStatus)
        }
    }

    /// Prints and writes the coverage asked for; returns why it falls short of `--fail-under`, if it does.
    private func reportCoverage(of integrations: Set<String>, by engine: RuleEngine) async throws -> [String] {
        let lines: [RuleLineCoverage]
        do {
            lines = try await engine.lineCoverage(of: integrations.sorted())
        } catch {
            throw CommandFailure("cannot measure coverage: \(error)")
        }
        let mappings = engine.mappingCoverage(of: integrations.sorted())
        if coverage {
            print("\ncoverage (lines of the rule files the cases ran):")
            print(CoverageText(files: lines).text, terminator: "")
            print("\nmapping coverage (on entries, unless presets, scopes and resolve steps the cases exercised):")
            print(MappingCoverageText(files: mappings).text, terminator: "")
        }
        if let coverageLCOV {
            do {
                try Data(LCOVReport(lines: lines, mappings: mappings).text.utf8)
                    .write(to: URL(fileURLWithPath: coverageLCOV))
            } catch {
                throw CommandFailure("cannot write \(coverageLCOV): \(error.localizedDescription)")
            }
        }
        guard let failUnder else { return [] }
        return CoverageThreshold(percent: failUnder).shortfalls(lines: lines, mappings: mappings)
    }

    private func selected(_ fixtureCase: FixtureCase, in file: RuleFixtureFile) -> Bool {
        guard let filter else { return true }
        return file.path.contains(filter) || fixtureCase.name.contains(filter)
    }

    private func report(_ result: FixtureResult) {
        if result.passed {
            print("PASS \(result.location)  \(result.fixtureCase.name)")
        } else {
            print("FAIL \(result.location)  \(result.fixtureCase.name)")
            for line in result.problems { print("    \(line)") }
        }
    }

    /// Writes the file when a case was rewritten; returns how many failing cases could not be.
    private func rewrite(_ file: RuleFixtureFile, with results: [FixtureResult]) throws -> Int {
        let change = file.updating(with: results)
        if let text = change.text {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: file.path), options: .atomic)
            } catch {
                throw CommandFailure("cannot write \(file.path): \(error.localizedDescription)")
            }
            print("updated \(file.path): \(change.updated.count) case(s)")
        }
        for skipped in change.notUpdated {
            printError("\(file.path):\(skipped.fixtureCase.line): case \"\(skipped.fixtureCase.name)\" not updated: \(skipped.reason)")
        }
        return change.notUpdated.count
    }
}
