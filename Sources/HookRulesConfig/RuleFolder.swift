import Foundation
import HookModel
import HookRules
import LuaRuntime

/// A rules folder loaded with its subscriptions file: what every command and the intake server start from. The
/// subscriptions file is the one named, else `subscriptions.yaml` in the folder when it exists, else none (every
/// integration then gets a default subscription named after it; see ``SubscriptionDirectory``).
public struct RuleFolder: Sendable {
    public let folder: String
    /// The subscriptions file in use, if any.
    public let subscriptionsPath: String?
    public let book: RuleBook
    public let subscriptions: [Subscription]
    /// Each subscription's `auth`, `api_keys` and `capture`, by id (empty without a subscriptions file).
    public let access: [String: SubscriptionAccess]
    /// The watched files' contents taken just before they were read (``RuleWatcher/snapshot(folder:subscriptionsPath:)``):
    /// a watcher started later compares against this, so a change made while the folder loaded is not missed.
    package let filesBeforeLoading: [String: Data]

    /// Loads and checks the rule files and the subscriptions. Every problem is reported, each with its file and line.
    /// With ``RuleBook/LoadPolicy/keepLoadable``, rule files that fail to load are left out of the book and listed
    /// in its `failed` (their subscriptions are still read, their presets unchecked); a problem in the
    /// subscriptions file still refuses the folder.
    public static func load(
        folder: String, subscriptionsPath: String? = nil, limits: LuaLimits = LuaLimits(),
        limitsByIntegration: [String: LuaLimits] = [:], policy: RuleBook.LoadPolicy = .allOrNothing
    ) throws(RuleFolderError) -> RuleFolder {
        let path = subscriptionsPath ?? SubscriptionsFile.defaultPath(inRulesFolder: folder)
        let before = RuleWatcher.snapshot(folder: folder, subscriptionsPath: path)
        let book: RuleBook
        do {
            book = try RuleBook.load(
                folder: folder, limits: limits, limitsByIntegration: limitsByIntegration, policy: policy)
        } catch {
            throw RuleFolderError(problems: error.problems.map(\.description))
        }
        guard let path else {
            return RuleFolder(
                folder: folder, subscriptionsPath: nil, book: book, subscriptions: [], access: [:],
                filesBeforeLoading: before)
        }
        do {
            let configuration = try SubscriptionsFile.read(path: path, rules: book)
            return RuleFolder(
                folder: folder, subscriptionsPath: path, book: book, subscriptions: configuration.subscriptions,
                access: configuration.access, filesBeforeLoading: before)
        } catch {
            throw RuleFolderError(problems: error.problems.map(\.description))
        }
    }

    public var directory: SubscriptionDirectory { SubscriptionDirectory(subscriptions) }

    /// An engine running these rules for these subscriptions.
    public func engine(measuringCoverage: Bool = false) throws(LuaError) -> RuleEngine {
        try RuleEngine(book: book, subscriptions: subscriptions, measuringCoverage: measuringCoverage)
    }
}

/// Why a rules folder could not be loaded: every problem, each naming its file and line.
public struct RuleFolderError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String { problems.joined(separator: "\n") }
}
