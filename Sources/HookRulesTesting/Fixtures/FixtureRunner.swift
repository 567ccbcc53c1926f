import Foundation
import HookCapture
import HookModel
import HookRules
import HookRulesConfig

/// Runs fixture cases through a ``RuleEngine`` and says which match their expectations.
public struct FixtureRunner: Sendable {
    public let engine: RuleEngine

    public init(engine: RuleEngine) {
        self.engine = engine
    }

    /// The result of every case of a file, in order.
    public func run(_ file: RuleFixtureFile) async -> [FixtureResult] {
        var results: [FixtureResult] = []
        for fixtureCase in file.cases {
            results.append(await run(fixtureCase, of: file))
        }
        return results
    }

    public func run(_ fixtureCase: FixtureCase, of file: RuleFixtureFile) async -> FixtureResult {
        var result = FixtureResult(file: file.path, integration: file.integration, fixtureCase: fixtureCase)
        guard engine.book.rules[file.integration] != nil else {
            result.problems = engine.book.failed[file.integration].map { $0.map { "the rule did not load: \($0)" } }
                ?? ["no rule file for integration \"\(file.integration)\" in \(engine.book.folder)"]
            return result
        }
        let subscription: Subscription
        let capture: CapturedHook
        do {
            subscription = try self.subscription(for: fixtureCase.subscription ?? file.subscription, integration: file.integration)
            capture = try hook(fixtureCase.hook, of: file)
        } catch {
            result.problems = ["\(error)"]
            return result
        }
        let outcome = await engine.process(capture.hook(subscription: subscription), subscription: subscription)
        result.outcome = outcome
        result.problems = FixtureComparison(expected: fixtureCase.expected, outcome: outcome).differences
        return result
    }

    private func subscription(
        for choice: FixtureSubscription?, integration: String
    ) throws(SubscriptionLookupError) -> Subscription {
        switch choice {
        case .named(let id):
            return try engine.subscriptions.subscription(id: id, integration: integration)
        case .inline(let id, let presets, let deletes):
            return Subscription(id: id ?? "fixture", integration: integration, presets: presets, deletes: deletes)
        case nil:
            return try engine.subscriptions.subscription(id: nil, integration: integration)
        }
    }

    private func hook(_ hook: FixtureHook, of file: RuleFixtureFile) throws(CaptureError) -> CapturedHook {
        switch hook {
        case .file(let relative):
            let folder = (file.path as NSString).deletingLastPathComponent
            let path = relative.hasPrefix("/") ? relative : (folder as NSString).appendingPathComponent(relative)
            return try CapturedHook(path: (path as NSString).standardizingPath)
        case .inline(let headers, let body):
            return CapturedHook(
                path: "\(file.path)#inline", integration: file.integration,
                headers: HTTPHeaders(headers.map { (name: $0.name, value: $0.value) }), body: Array(body.utf8))
        }
    }
}

/// How one case went.
public struct FixtureResult: Sendable {
    public let file: String
    public let integration: String
    public let fixtureCase: FixtureCase
    /// Nil when the case could not run (its rule did not load, a missing capture, an unknown subscription).
    public var outcome: HookOutcome?
    /// Empty when the case passed; otherwise the diff or the reason it could not run.
    public var problems: [String] = []

    public var passed: Bool { problems.isEmpty }
    /// `rules/shopify.fixtures.yaml:12`, where the case is written.
    public var location: String { "\(file):\(fixtureCase.line)" }
}
