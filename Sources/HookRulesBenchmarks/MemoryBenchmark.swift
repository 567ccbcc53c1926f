import Foundation
import HookCapture
import HookModel
import HookRules
import LuaRuntime

/// What a pooled Lua state costs, and whether memory stays flat over many hooks: bytes each state holds with its
/// rule loaded (counted by the state's allocator, the figure `collectgarbage("count")` gives), the process's resident
/// memory per state when many are made, and RSS after 10,000 and after `hooks` hooks through the engine.
struct MemoryBenchmark {
    let rules: String
    let samples: String
    let hooks: Int

    static let statesForRSS = 200
    static let earlyHooks = 10_000

    func run() async throws {
        print("\nMemory")
        let book = try RuleBook.load(folder: rules)
        for rule in book.rules.values.sorted(by: { $0.integration < $1.integration }) {
            var state = try LuaState(limits: rule.limits, libraries: RuleBook.libraries)
            _ = try state.load(rule.script)
            print("  Lua state with \(rule.script.name) loaded: \(kilobytes(state.memoryInUse)) (allocator count)")
        }
        try statesInRSS(book: book)
        try await rssOverHooks()
    }

    /// Resident memory added by `statesForRSS` states of one rule, per state: Lua's heap plus malloc and Swift overhead.
    private func statesInRSS(book: RuleBook) throws {
        guard let rule = book.rules.values.sorted(by: { $0.integration < $1.integration }).first else { return }
        let before = ResidentMemory.bytes()
        let pool = try LuaStatePool(size: Self.statesForRSS) { () throws(LuaError) in
            var state = try LuaState(limits: rule.limits, libraries: RuleBook.libraries)
            _ = try state.load(rule.script)
            return state
        }
        let after = ResidentMemory.bytes()
        withExtendedLifetime(pool) {
            print("  RSS per state (\(Self.statesForRSS) states of \(rule.script.name)): \(kilobytes((after - before) / Self.statesForRSS))")
        }
    }

    private func rssOverHooks() async throws {
        let comparison = try RulePathBenchmark(rules: rules, samples: samples, seconds: 0).comparison
        let hooks = comparison.captures.map { ($0.capture.hook(subscription: $0.subscription), $0.subscription) }
        let clock = ContinuousClock()
        let started = clock.now
        var done = 0, early = 0
        while done < self.hooks {
            for (hook, subscription) in hooks where done < self.hooks {
                let outcome = await comparison.engine.process(hook, subscription: subscription)
                if outcome.failed { throw BenchmarkFailure("\(hook.id) failed: \(outcome.errors)") }
                done += 1
                if done == Self.earlyHooks { early = ResidentMemory.bytes() }
            }
        }
        let late = ResidentMemory.bytes()
        let seconds = (clock.now - started).seconds
        print("  RSS after \(Self.earlyHooks.formatted()) hooks: \(kilobytes(early))")
        print("  RSS after \(self.hooks.formatted()) hooks: \(kilobytes(late)) (\(String(format: "%+.1f", Double(late - early) / Double(early) * 100)) %; \(String(format: "%.1f", seconds)) s, \(String(format: "%.0f", Double(done) / seconds)) hooks/s)")
    }

    private func kilobytes(_ bytes: Int) -> String { String(format: "%.1f KiB", Double(bytes) / 1024) }
}

/// The process's resident set size, from /proc/self/statm.
enum ResidentMemory {
    static func bytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }
}
