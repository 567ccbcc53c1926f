import Foundation
import HookCapture
import HookModel
import HookRules

/// Hooks/s and records/s for generated bodies (records of about 0.3, 3 and 20 KB, in batches of 1, 10 and 100) through
/// the bench rule `bench/rules/generated.lua`, beside the plain-Lua reference reading the same bytes from a scratch
/// folder (see ``RuleRunComparison``).
struct GeneratedBodiesBenchmark {
    let rules: String
    let seconds: Double

    func run() async throws {
        print("\nGenerated bodies through \(rules)/generated.lua, one core, \(seconds) s per case and side")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hookrules-generated-\(UUID().uuidString)")
        let folder = scratch.appendingPathComponent("generated")  // the folder name is the captures' integration
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let book = try RuleBook.load(folder: rules)
        guard let rule = book.rules["generated"] else { throw BenchmarkFailure("no \(rules)/generated.lua") }
        let subscription = Subscription(id: "bench-generated", integration: "generated")
        let engine = try RuleEngine(book: book, subscriptions: [subscription], poolSize: 1)

        print(row("records", "record bytes", "body bytes", "HookRules hooks/s", "records/s", "lua5.4+cjson hooks/s", "records/s", "ratio"))
        for generated in GeneratedBodies.cases {
            let path = folder.appendingPathComponent("\(generated.name).json").path
            let body = GeneratedBodies.body(for: generated)
            try Data(body).write(to: URL(fileURLWithPath: path))
            let capture = RuleRunComparison.Capture(
                capture: try CapturedHook(path: path), subscription: subscription, rulePath: rule.script.name)
            let outcome = try await RuleRunComparison(captures: [capture], engine: engine, seconds: seconds).run()
            print(row(
                "\(generated.records)", "\(generated.recordBytes)", "\(body.count)",
                format(outcome.ours.hooksPerSecond), format(outcome.ours.recordsPerSecond),
                format(outcome.reference.hooksPerSecond), format(outcome.reference.recordsPerSecond),
                String(format: "%.2fx", outcome.ratio)))
        }
        print("requests agree on every case (ids are strings, so the reference loses none)")
    }

    private func row(_ columns: String...) -> String {
        let widths = [8, 13, 11, 18, 12, 21, 12, 7]
        return zip(columns, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }
            .joined(separator: " ")
    }

    private func format(_ value: Double) -> String { String(format: "%.0f", value) }
}
