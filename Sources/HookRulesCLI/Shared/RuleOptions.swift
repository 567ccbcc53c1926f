import ArgumentParser
import HookRules
import HookRulesConfig

/// `--subscriptions FILE`, shared by every command that reads subscriptions.
struct SubscriptionsOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The subscriptions file.", discussion: "Default: subscriptions.yaml in the rules folder when it exists.",
        valueName: "file"))
    var subscriptions: String?
}

/// `--rules DIR` and `--subscriptions FILE`, for the commands that take captures or files as arguments.
struct RuleOptions: ParsableArguments {
    @Option(help: "The folder holding the rule files (<integration>.lua).")
    var rules = "rules"

    @OptionGroup var subscriptionsOption: SubscriptionsOption

    func load(policy: RuleBook.LoadPolicy = .allOrNothing) throws(CommandFailure) -> RuleFolder {
        try RuleFolder.loadForCommand(folder: rules, subscriptionsPath: subscriptionsOption.subscriptions, policy: policy)
    }
}

extension RuleFolder {
    /// The folder and its subscriptions; problems become a failure listing each with its file and line.
    static func loadForCommand(
        folder: String, subscriptionsPath: String?, policy: RuleBook.LoadPolicy = .allOrNothing
    ) throws(CommandFailure) -> RuleFolder {
        do {
            return try RuleFolder.load(folder: folder, subscriptionsPath: subscriptionsPath, policy: policy)
        } catch {
            throw .problems(error.problems)
        }
    }

    /// An engine for a command; a state that cannot start is a failure.
    func commandEngine(measuringCoverage: Bool = false) throws(CommandFailure) -> RuleEngine {
        do {
            return try engine(measuringCoverage: measuringCoverage)
        } catch {
            throw CommandFailure("cannot start the rules: \(error)")
        }
    }

    /// The usage failure for a subscription id that names none, saying where it was looked for.
    func unknownSubscription(_ id: String) -> CommandFailure {
        .usage("unknown subscription \"\(id)\"" + (subscriptionsPath.map { " (not in \($0))" } ?? " (no subscriptions file)"))
    }
}

/// Prints each problem (they already name their file and line) and says how many there were.
@discardableResult
func printProblems(_ problems: [some CustomStringConvertible]) -> Int {
    for problem in problems { printError("\(problem)") }
    return problems.count
}
