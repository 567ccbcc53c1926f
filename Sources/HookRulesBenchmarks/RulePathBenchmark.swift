import Foundation
import HookRules

/// Hooks/s and records/s on one core through the bundled rules (one Lua state, hooks processed one after another),
/// beside the plain-Lua reference (bench/reference/rules.lua: the same rule files and rule API on lua5.4 +
/// lua-cjson) on the same captures in the same run. Both sides must produce the same requests; the only allowed
/// difference is an id the reference lost to cjson's doubles, which is counted and shown.
struct RulePathBenchmark {
    struct Capture {
        let capture: CapturedHook
        let subscription: Subscription
        let rulePath: String
    }

    let captures: [Capture]
    let engine: RuleEngine
    let seconds: Double

    init(rules: String, samples: String, seconds: Double) throws {
        let book = try RuleBook.load(folder: rules)
        let subscriptions = try SubscriptionsFile.defaultPath(inRulesFolder: rules)
            .map { path in try SubscriptionsFile.load(path: path, rules: book) } ?? []
        let directory = SubscriptionDirectory(subscriptions)
        var captures: [Capture] = []
        for path in try CapturedHook.paths(under: samples) {
            let capture = try CapturedHook(path: path)
            guard let rule = book.rules[capture.integration] else { continue }
            captures.append(Capture(
                capture: capture, subscription: try directory.subscription(id: nil, integration: capture.integration),
                rulePath: rule.script.name))
        }
        self.captures = captures
        engine = try RuleEngine(book: book, subscriptions: subscriptions, poolSize: 1)
        self.seconds = seconds
    }

    func run() async throws {
        print("\nRule path: \(captures.count) captures through the bundled rules, one core, \(seconds) s per side")
        let hooks = captures.map { $0.capture.hook(subscription: $0.subscription) }
        var ourRequests: [[String]] = []
        for (hook, capture) in zip(hooks, captures) {
            let outcome = await engine.process(hook, subscription: capture.subscription)
            ourRequests.append(outcome.requests.map { "\($0.scope)\t\($0.externalId)" })
            if outcome.failed { throw BenchmarkFailure("\(capture.capture.path) failed: \(outcome.errors)") }
        }
        for _ in 0..<20 { for (hook, capture) in zip(hooks, captures) { _ = await engine.process(hook, subscription: capture.subscription) } }
        let clock = ContinuousClock()
        let started = clock.now
        var hookCount = 0, records = 0
        while (clock.now - started).seconds < seconds {
            for (hook, capture) in zip(hooks, captures) {
                let outcome = await engine.process(hook, subscription: capture.subscription)
                hookCount += 1
                records += outcome.requests.count + outcome.ignored.count + outcome.errors.count
            }
        }
        let ours = Rates(hooks: hookCount, records: records, seconds: (clock.now - started).seconds)
        let reference = try ReferenceRun.rules(captures: captures, seconds: seconds)
        let lostIds = try compare(ourRequests, reference.requests)

        func line(_ name: String, _ rates: Rates) -> String {
            name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: "%12.0f hooks/s %12.0f records/s", rates.hooksPerSecond, rates.recordsPerSecond)
        }
        print(line("HookRules", ours))
        print(line("lua5.4 + lua-cjson", reference.rates))
        print(String(format: "ratio (hooks/s)             %.2fx", ours.hooksPerSecond / reference.rates.hooksPerSecond))
        print("requests agree on every capture, except ids the reference turned into floats (cjson): \(lostIds)")
    }

    /// Same scopes and ids in the same order; an id may differ only where the reference printed a float.
    private func compare(_ ours: [[String]], _ theirs: [Int: [String]]) throws -> Int {
        var lost = 0
        for (index, mine) in ours.enumerated() {
            let other = theirs[index + 1] ?? []
            guard mine.count == other.count else {
                throw BenchmarkFailure("\(captures[index].capture.path): HookRules made \(mine.count) requests, the reference \(other.count)")
            }
            for (a, b) in zip(mine, other) where a != b {
                let (scopeA, idA) = split(a), (scopeB, idB) = split(b)
                guard scopeA == scopeB, idB.contains("e+") || Double(idB) != nil, idA != idB else {
                    throw BenchmarkFailure("\(captures[index].capture.path): HookRules made \(a), the reference \(b)")
                }
                lost += 1
            }
        }
        return lost
    }

    private func split(_ line: String) -> (String, String) {
        let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }
}

struct Rates {
    let hooks: Int
    let records: Int
    let seconds: Double
    var hooksPerSecond: Double { Double(hooks) / seconds }
    var recordsPerSecond: Double { Double(records) / seconds }
}
