import ArgumentParser
import Foundation
import HookRules
import HookRulesConfig
import HookRulesTesting

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every rule file, the subscriptions and the fixture files without running any hook.",
        discussion: """
            Loads each <integration>.lua (syntax, the rule's fields, its scope catalog, declared presets), the \
            subscriptions file (integrations exist, presets are declared by the rule and of the declared type, \
            policies are valid) and parses every fixture file. Every problem is printed with its file and line; \
            the exit status is 1 when there is any.

            Examples:
              hookrules check rules/
              hookrules check rules/ --subscriptions /etc/hookrules/subscriptions.yaml
            """
    )

    @Argument(help: "The folder with the rule files.")
    var folder = "rules"

    @OptionGroup var subscriptionsOption: SubscriptionsOption

    func run() throws {
        var problems = 0
        var book: RuleBook?
        do {
            book = try RuleBook.load(folder: folder)
        } catch {
            problems += printProblems(error.problems)
        }
        var subscriptionCount = 0
        if let path = subscriptionsOption.subscriptions ?? SubscriptionsFile.defaultPath(inRulesFolder: folder) {
            do {
                // Without a rule book (it failed to load) the file's own shape is still checked.
                subscriptionCount = try SubscriptionsFile.load(path: path, rules: book).count
            } catch {
                problems += printProblems(error.problems)
            }
        }
        let fixturePaths = RuleFixtureFile.paths(in: folder)
        for path in fixturePaths {
            do {
                let file = try RuleFixtureFile.load(path: path)
                if let book, book.rules[file.integration] == nil {
                    printError("\(path): no rule file \(file.integration).lua for these fixtures")
                    problems += 1
                }
            } catch {
                problems += printProblems(error.problems)
            }
        }
        guard problems == 0 else { throw CommandFailure("\(problems) problem(s)") }
        print("ok: \(book?.rules.count ?? 0) rule(s), \(subscriptionCount) subscription(s), \(fixturePaths.count) fixture file(s)")
    }
}
