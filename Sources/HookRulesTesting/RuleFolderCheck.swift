import HookModel
import HookRules
import HookRulesConfig

/// What `hookrules check` finds in a rules folder, without running a hook: every rule file loaded and checked,
/// the subscriptions file against the rules, every fixture file parsed, and every case checked for what
/// `hookrules test` would trip on before running it (a rule file for its integration, a capture that reads, a
/// subscription it can name). One broken part does not hide the problems of the others.
public struct RuleFolderCheck: Sendable {
    /// Every problem, each naming its file and line.
    public private(set) var problems: [String] = []
    public private(set) var ruleCount = 0
    public private(set) var subscriptionCount = 0
    public private(set) var fixtureFileCount = 0

    public init(folder: String, subscriptionsPath: String? = nil) {
        var book: RuleBook?
        do {
            book = try RuleBook.load(folder: folder, policy: .keepLoadable)
        } catch {
            problems += error.problems.map(\.description)
        }
        problems += book?.problems.map(\.description) ?? []
        ruleCount = book?.rules.count ?? 0

        var directory: SubscriptionDirectory? = SubscriptionDirectory([])
        if let path = subscriptionsPath ?? SubscriptionsFile.defaultPath(inRulesFolder: folder) {
            do {
                // Without a rule book (the folder could not be read) the file's own shape is still checked.
                let subscriptions = try SubscriptionsFile.load(path: path, rules: book)
                subscriptionCount = subscriptions.count
                directory = SubscriptionDirectory(subscriptions)
            } catch {
                problems += error.problems.map(\.description)
                directory = nil
            }
        }

        let fixturePaths = RuleFixtureFile.paths(in: folder)
        fixtureFileCount = fixturePaths.count
        for path in fixturePaths {
            let file: RuleFixtureFile
            do {
                file = try RuleFixtureFile.load(path: path)
            } catch {
                problems += error.problems.map(\.description)
                continue
            }
            // A rule that did not load has had its problems reported above.
            if let book, book.failed[file.integration] == nil {
                problems += file.ruleProblems(in: book).map { "\(path): \($0)" }
            }
            problems += file.caseProblems(subscriptions: directory).map(\.description)
        }
    }
}
