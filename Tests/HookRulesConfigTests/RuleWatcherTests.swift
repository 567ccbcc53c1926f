import Foundation
import HookModel
import HookRules
import HookRulesConfig
import LuaRuntime
import Testing

@Suite("Rule watcher: a changed rules folder is reloaded into the running engine")
struct RuleWatcherTests {
    static func rule(version: Int) -> String {
        """
        return rule {
          scopes = { "product/updated" },
          scope = "product/updated",
          id = function(record) return "v\(version)-" .. record.id end,
        }
        """
    }

    @Test("the watcher reloads a changed file, keeps the old rules when the change does not load, and reports why")
    func watcher() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("shop.lua")
        try Self.rule(version: 1).write(to: file, atomically: true, encoding: .utf8)

        let engine = try RuleEngine(
            book: try RuleBook.load(folder: folder.path), subscriptions: [Subscription(id: "s", integration: "shop")],
            poolSize: 1)
        let watcher = RuleWatcher(engine: engine, folder: folder.path)
        var seen = watcher.snapshot()
        #expect(watcher.check(since: &seen) == nil)

        try Self.rule(version: 2).write(to: file, atomically: true, encoding: .utf8)
        guard case .reloaded(let generation, _) = watcher.check(since: &seen) else {
            Issue.record("expected a reload")
            return
        }
        #expect(generation == 2)
        let hook = Hook(id: "h1", subscription: "s", body: Array(#"{"id": 1}"#.utf8))
        #expect(await engine.process(hook).requests.first?.externalId == "v2-1")

        try "return rule {\n  scopes = {}\n".write(to: file, atomically: true, encoding: .utf8)
        guard case .rejected(let problems) = watcher.check(since: &seen) else {
            Issue.record("expected the broken file to be rejected")
            return
        }
        #expect(problems.first?.contains("shop.lua:") == true, "\(problems)")
        #expect(engine.generation == 2)
        #expect(await engine.process(hook).requests.first?.externalId == "v2-1", "the old rules keep serving")
    }

    @Test("a change made after the folder was read but before the watcher started is reloaded at once")
    func changeBeforeTheWatcherStarts() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("shop.lua")
        try Self.rule(version: 1).write(to: file, atomically: true, encoding: .utf8)
        let loaded = try RuleFolder.load(folder: folder.path)
        let engine = try RuleEngine(
            book: loaded.book, subscriptions: [Subscription(id: "s", integration: "shop")], poolSize: 1)
        // The file changes while the server is still starting.
        try Self.rule(version: 2).write(to: file, atomically: true, encoding: .utf8)

        let watcher = RuleWatcher(engine: engine, folder: folder.path)
        let events = AsyncStream<RuleWatcher.Event>.makeStream()
        let watching = Task {
            await watcher.run(interval: .seconds(3600), baseline: loaded.filesBeforeLoading) { events.continuation.yield($0) }
        }
        defer { watching.cancel() }
        var iterator = events.stream.makeAsyncIterator()
        #expect(await iterator.next() == .reloaded(generation: 2, folder: loaded), "reloaded without waiting an interval")
        let hook = Hook(id: "h1", subscription: "s", body: Array(#"{"id": 1}"#.utf8))
        #expect(await engine.process(hook).requests.first?.externalId == "v2-1")
    }
}

extension RuleWatcher.Event: Equatable {
    package static func == (lhs: RuleWatcher.Event, rhs: RuleWatcher.Event) -> Bool {
        switch (lhs, rhs) {
        case (.reloaded(let a, _), .reloaded(let b, _)): a == b
        case (.rejected(let a), .rejected(let b)): a == b
        default: false
        }
    }
}
