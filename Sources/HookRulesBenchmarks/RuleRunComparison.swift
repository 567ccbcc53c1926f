import Foundation
import HookCapture
import HookModel
import HookRules

/// Runs a set of captures through a ``RuleEngine`` (one Lua state, hooks one after another, for about `seconds` in
/// interleaved slices) and through the plain-Lua reference (bench/reference/rules.lua: the same rule files and rule API on lua5.4 +
/// lua-cjson) on the same bytes, after checking that both sides produce the same requests for every capture. The
/// only allowed difference is an id the reference lost to cjson's doubles, which is counted.
struct RuleRunComparison {
    struct Capture {
        let capture: CapturedHook
        let subscription: Subscription
        let rulePath: String
    }

    struct Outcome {
        let ours: Rates
        let reference: Rates
        /// Requests whose id the reference turned into a float.
        let lostIds: Int
        var ratio: Double { ours.hooksPerSecond / reference.hooksPerSecond }
    }

    let captures: [Capture]
    let engine: RuleEngine
    let seconds: Double

    func run() async throws -> Outcome {
        let hooks = captures.map { $0.capture.hook(subscription: $0.subscription) }
        var ourRequests: [[String]] = []
        for (hook, capture) in zip(hooks, captures) {
            let outcome = await engine.process(hook, subscription: capture.subscription)
            ourRequests.append(outcome.requests.map { "\($0.scope)\t\($0.externalId)" })
            if outcome.failed { throw BenchmarkFailure("\(capture.capture.path) failed: \(outcome.errors)") }
        }
        let warmUp = max(1, 600 / captures.count)
        for _ in 0..<warmUp {
            for (hook, capture) in zip(hooks, captures) { _ = await engine.process(hook, subscription: capture.subscription) }
        }
        // Interleaved slices, the median of each side: interference on the shared machine (other programs, disk
        // interrupts charged to whichever process runs) comes in bursts that move a single 1 s run by tens of
        // percent, one side at a time.
        let slice = seconds / Double(Self.slices)
        var ours: [Rates] = [], theirs: [Rates] = []
        var referenceRequests: [Int: [String]] = [:]
        for index in 0..<Self.slices {
            ours.append(await measure(hooks, for: slice))
            let reference = try ReferenceRun.rules(captures: captures, seconds: slice)
            theirs.append(reference.rates)
            if index == 0 { referenceRequests = reference.requests }
        }
        return Outcome(
            ours: Rates.median(ours), reference: Rates.median(theirs),
            lostIds: try compare(ourRequests, referenceRequests))
    }

    /// Slices per side.
    static let slices = 5

    /// Runs every capture through the engine, over and over, for `seconds` of this process's CPU time.
    private func measure(_ hooks: [Hook], for seconds: Double) async -> Rates {
        let started = ProcessCPUClock.seconds()
        var hookCount = 0, records = 0
        while ProcessCPUClock.seconds() - started < seconds {
            for (hook, capture) in zip(hooks, captures) {
                let outcome = await engine.process(hook, subscription: capture.subscription)
                hookCount += 1
                records += outcome.requests.count + outcome.ignored.count + outcome.errors.count
            }
        }
        return Rates(hooks: hookCount, records: records, seconds: ProcessCPUClock.seconds() - started)
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

    /// The one with the median hooks/s (the upper middle of an even count).
    static func median(_ rates: [Rates]) -> Rates {
        rates.sorted { $0.hooksPerSecond < $1.hooksPerSecond }[rates.count / 2]
    }
}
