import Foundation
import LuaRuntime

/// Reloads a ``RuleEngine`` when a rule file or the subscriptions file changes. It polls: file contents are
/// compared every `interval`, which is portable (no inotify in Foundation on Linux), catches edits made by
/// replacing the file (editors, `git checkout`, config management) and costs a few kilobytes of reads.
///
/// A change that fails to load (a syntax error, a bad preset) leaves the running rules in place and is reported;
/// the next change is tried again. Hooks in flight finish on the rules they started with (see ``RuleEngine``).
public struct RuleWatcher: Sendable {
    public enum Event: Sendable {
        /// The engine now runs this generation.
        case reloaded(generation: Int)
        /// The changed files did not load; the engine keeps its rules. Each problem names file and line.
        case rejected(problems: [String])
    }

    public let engine: RuleEngine
    public let folder: String
    public let subscriptionsPath: String?
    public let limits: LuaLimits
    public let limitsByIntegration: [String: LuaLimits]

    public init(
        engine: RuleEngine, folder: String, subscriptionsPath: String? = nil, limits: LuaLimits = LuaLimits(),
        limitsByIntegration: [String: LuaLimits] = [:]
    ) {
        self.engine = engine
        self.folder = folder
        self.subscriptionsPath = subscriptionsPath
        self.limits = limits
        self.limitsByIntegration = limitsByIntegration
    }

    /// Watches until the task is cancelled, calling `report` for every reload or rejected change.
    public func run(interval: Duration = .seconds(1), report: @Sendable (Event) -> Void) async {
        var seen = snapshot()
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if let event = check(since: &seen) { report(event) }
        }
    }

    /// The watched files' contents now: every `*.lua` in the folder and the subscriptions file.
    public func snapshot() -> [String: Data] {
        var files: [String: Data] = [:]
        for path in (try? RuleBook.ruleFilePaths(in: folder)) ?? [] {
            files[path] = FileManager.default.contents(atPath: path)
        }
        if let subscriptionsPath {
            files[subscriptionsPath] = FileManager.default.contents(atPath: subscriptionsPath)
        }
        return files
    }

    /// Reloads if anything changed since `seen` (and updates it); nil when nothing changed.
    public func check(since seen: inout [String: Data]) -> Event? {
        let now = snapshot()
        guard now != seen else { return nil }
        seen = now
        return reload()
    }

    /// Loads the folder and subscriptions and swaps them into the engine, or reports why not.
    public func reload() -> Event {
        let book: RuleBook
        do {
            book = try RuleBook.load(folder: folder, limits: limits, limitsByIntegration: limitsByIntegration)
        } catch {
            return .rejected(problems: error.problems.map(\.description))
        }
        var subscriptions: [Subscription]?
        if let subscriptionsPath {
            do {
                subscriptions = try SubscriptionsFile.load(path: subscriptionsPath, rules: book)
            } catch {
                return .rejected(problems: error.problems.map(\.description))
            }
        }
        do {
            return .reloaded(generation: try engine.reload(book: book, subscriptions: subscriptions))
        } catch {
            return .rejected(problems: ["cannot start the new rules: \(error)"])
        }
    }
}
