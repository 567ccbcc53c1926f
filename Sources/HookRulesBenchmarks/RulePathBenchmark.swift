import Foundation
import HookCapture
import HookModel
import HookRules
import HookRulesConfig

/// Hooks/s and records/s on one core through the bundled rules and captures, beside the plain-Lua reference
/// (see ``RuleRunComparison``).
struct RulePathBenchmark {
    let comparison: RuleRunComparison

    init(rules: String, samples: String, seconds: Double) throws {
        let folder = try RuleFolder.load(folder: rules)
        let (book, subscriptions, directory) = (folder.book, folder.subscriptions, folder.directory)
        var captures: [RuleRunComparison.Capture] = []
        for path in try CaptureListing(under: samples).captures {
            let capture = try CapturedHook(path: path)
            guard let rule = book.rules[capture.integration] else { continue }
            let subscription = try directory.subscription(id: nil, integration: capture.integration)
            // The reference decodes bodies with lua-cjson: it runs the JSON captures only.
            guard BodyFormat.of(capture.hook(subscription: subscription), ruleChoice: rule.bodyFormat) == .json else {
                continue
            }
            captures.append(RuleRunComparison.Capture(capture: capture, subscription: subscription, rulePath: rule.script.name))
        }
        comparison = RuleRunComparison(
            captures: captures, engine: try RuleEngine(book: book, subscriptions: subscriptions, poolSize: 1),
            seconds: seconds)
    }

    func run() async throws {
        print("\nRule path: \(comparison.captures.count) JSON captures through the bundled rules, one core, \(comparison.seconds) s per side in \(RuleRunComparison.slices) interleaved slices, median slice of each side")
        let outcome = try await comparison.run()
        func line(_ name: String, _ rates: Rates) -> String {
            name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: "%12.0f hooks/s %12.0f records/s", rates.hooksPerSecond, rates.recordsPerSecond)
        }
        print(line("HookRules", outcome.ours))
        print(line("lua5.4 + lua-cjson", outcome.reference))
        print(String(format: "ratio (hooks/s)             %.2fx", outcome.ratio))
        print("requests agree on every capture, except ids the reference turned into floats (cjson): \(outcome.lostIds)")
    }
}
