import ArgumentParser
import Foundation
import HookRules

/// `--subscriptions FILE`, shared by every command that reads subscriptions.
struct SubscriptionsOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The subscriptions file.", discussion: "Default: subscriptions.yaml in the rules folder when it exists.",
        valueName: "file"))
    var subscriptions: String?
}

/// `--rules DIR` and `--subscriptions FILE`, for the commands that take captures as arguments.
struct RuleOptions: ParsableArguments {
    @Option(help: "The folder holding the rule files (<integration>.lua).")
    var rules = "rules"

    @OptionGroup var subscriptionsOption: SubscriptionsOption

    var files: RuleFiles { RuleFiles(folder: rules, subscriptions: subscriptionsOption.subscriptions) }
}

/// A rules folder and its subscriptions file, loaded for a command: problems are printed with file and line and
/// turn into a failed exit.
struct RuleFiles {
    let folder: String
    let subscriptions: String?

    /// The subscriptions file in use, if any.
    var subscriptionsPath: String? {
        subscriptions ?? SubscriptionsFile.defaultPath(inRulesFolder: folder)
    }

    func load() throws -> (RuleBook, [Subscription]) {
        let book: RuleBook
        do {
            book = try RuleBook.load(folder: folder)
        } catch {
            printProblems(error.problems)
            throw ExitCode.failure
        }
        guard let path = subscriptionsPath else { return (book, []) }
        do {
            return (book, try SubscriptionsFile.load(path: path, rules: book))
        } catch {
            printProblems(error.problems)
            throw ExitCode.failure
        }
    }

    /// Prints that `id` names no subscription (and where it was looked for) and returns the usage-error exit.
    func unknownSubscription(_ id: String) -> ExitCode {
        printError("unknown subscription \"\(id)\"" + (subscriptionsPath.map { " (not in \($0))" } ?? " (no subscriptions file)"))
        return ExitCode(64)
    }

    func engine(countingLines: Bool = false) throws -> RuleEngine {
        let (book, subscriptions) = try load()
        do {
            return try RuleEngine(book: book, subscriptions: subscriptions, countingLines: countingLines)
        } catch {
            printError("cannot start the rules: \(error)")
            throw ExitCode.failure
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("hookrules: \(message)\n".utf8))
}

/// Prints each problem (they already name their file and line) and says how many there were.
@discardableResult
func printProblems(_ problems: [some CustomStringConvertible]) -> Int {
    for problem in problems { printError("\(problem)") }
    return problems.count
}
