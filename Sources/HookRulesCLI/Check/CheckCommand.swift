import ArgumentParser
import HookRulesTesting

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every rule file, the subscriptions and the fixture files without running any hook.",
        discussion: """
            Loads each <integration>.lua (syntax, the rule's fields, its scope catalog, declared presets), the \
            subscriptions file (integrations exist, presets are declared by the rule and of the declared type, \
            policies are valid) and every fixture file, and checks each case for what `hookrules test` would trip \
            on before running it: a rule file for its integration, a capture file that reads, a subscription it \
            names (or can choose). Every problem is printed with its file and line; the exit status is 1 when \
            there is any.

            Examples:
              hookrules check rules/
              hookrules check rules/ --subscriptions /etc/hookrules/subscriptions.yaml
            """
    )

    @Argument(help: "The folder with the rule files.")
    var folder = "rules"

    @OptionGroup var subscriptionsOption: SubscriptionsOption

    func run() throws {
        let check = RuleFolderCheck(folder: folder, subscriptionsPath: subscriptionsOption.subscriptions)
        guard check.problems.isEmpty else { throw CommandFailure.problems(check.problems) }
        print("ok: \(check.ruleCount) rule(s), \(check.subscriptionCount) subscription(s), \(check.fixtureFileCount) fixture file(s)")
    }
}
