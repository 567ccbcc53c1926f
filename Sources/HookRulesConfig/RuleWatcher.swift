import Foundation
import HookModel
import HookRules
import LuaRuntime

/// Reloads a ``RuleEngine`` when a rule file or the subscriptions file changes. It polls: file contents are
/// compared every `interval`, which is portable (no inotify in Foundation on Linux), catches edits made by
/// replacing the file (editors, `git checkout`, config management) and costs a few kilobytes of reads.
///
/// A change that fails to load (a syntax error, a bad preset) leaves the running rules in place and is reported;
/// the next change is tried again. Hooks in flight finish on the rules they started with (see ``RuleEngine``).
package struct RuleWatcher: Sendable {
    package enum Event: Sendable {
        /// The engine now runs this generation, loaded from `folder` (whose other settings, such as the
        /// subscriptions' authentication, the caller applies).
        case reloaded(generation: Int, folder: RuleFolder)
        /// The changed files did not load; the engine keeps its rules. Each problem names file and line.
        case rejected(problems: [String])
    }

    package let engine: RuleEngine
    package let folder: String
    package let subscriptionsPath: String?
    package let limits: LuaLimits
    package let limitsByIntegration: [String: LuaLimits]

    package init(
        engine: RuleEngine, folder: String, subscriptionsPath: String? = nil, limits: LuaLimits = LuaLimits(),
        limitsByIntegration: [String: LuaLimits] = [:]
    ) {
        self.engine = engine
        self.folder = folder
        self.subscriptionsPath = subscriptionsPath
        self.limits = limits
        self.limitsByIntegration = limitsByIntegration
    }

    /// Watches until the task is cancelled, calling `report` for every reload or rejected change. `baseline` is what
    /// the running rules were loaded from (``RuleFolder/filesBeforeLoading``); without one, the files as they are now.
    package func run(
        interval: Duration = .seconds(1), baseline: [String: Data]? = nil, report: @Sendable (Event) -> Void
    ) async {
        var seen = baseline ?? snapshot()
        if let event = check(since: &seen) { report(event) }
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if let event = check(since: &seen) { report(event) }
        }
    }

    /// The watched files' contents now: every `*.lua` in the folder and the subscriptions file.
    package func snapshot() -> [String: Data] {
        Self.snapshot(folder: folder, subscriptionsPath: subscriptionsPath)
    }

    /// The contents of every `*.lua` in `folder` and of the subscriptions file.
    package static func snapshot(folder: String, subscriptionsPath: String?) -> [String: Data] {
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
    package func check(since seen: inout [String: Data]) -> Event? {
        let now = snapshot()
        guard now != seen else { return nil }
        seen = now
        return reload()
    }

    /// Loads the folder and subscriptions and swaps them into the engine, or reports why not.
    package func reload() -> Event {
        let loaded: RuleFolder
        do {
            loaded = try RuleFolder.load(
                folder: folder, subscriptionsPath: subscriptionsPath, limits: limits,
                limitsByIntegration: limitsByIntegration)
        } catch {
            return .rejected(problems: error.problems)
        }
        do {
            // Without a subscriptions file the engine keeps the subscriptions it was given.
            let subscriptions = loaded.subscriptionsPath == nil ? nil : loaded.subscriptions
            return .reloaded(generation: try engine.reload(book: loaded.book, subscriptions: subscriptions), folder: loaded)
        } catch {
            return .rejected(problems: ["cannot start the new rules: \(error)"])
        }
    }
}
