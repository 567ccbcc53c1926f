import Foundation
import HookModel
import HookRules
import LuaRuntime

/// A rule under test, loaded from source the way rule files are, with one subscription.
public struct EngineHarness: Sendable {
    public let engine: RuleEngine
    public let subscription: Subscription

    public init(_ source: String, integration: String = "shop", subscription: Subscription? = nil) throws {
        let book = try RuleBook.load(scripts: [(integration, LuaScript(name: "rules/\(integration).lua", text: source))])
        let subscription = subscription ?? Subscription(id: "sub-1", integration: integration)
        self.subscription = subscription
        engine = try RuleEngine(book: book, subscriptions: [subscription], poolSize: 2)
    }

    /// The bundled rule `rules/<integration>.lua`, as shipped.
    public init(bundled integration: String, subscription: Subscription? = nil) throws {
        let path = Samples.folder.deletingLastPathComponent().appendingPathComponent("rules/\(integration).lua")
        let text = try String(contentsOf: path, encoding: .utf8)
        try self.init(text, integration: integration, subscription: subscription)
    }

    public func process(body: String, headers: HTTPHeaders = [:], id: String = "hook-1") async -> HookOutcome {
        await engine.process(Hook(
            id: id, subscription: subscription.id, headers: headers,
            body: Array(body.utf8)))
    }

    public func process(sample: String, headers: HTTPHeaders = [:]) async throws -> HookOutcome {
        let body = try Data(contentsOf: Samples.folder.appendingPathComponent(sample))
        return await process(body: String(decoding: body, as: UTF8.self), headers: headers)
    }
}

public enum Samples {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let folder = root.appendingPathComponent("samples")
}

extension HookOutcome {
    /// "scope externalId" per request, for compact expectations.
    public var summary: [String] { requests.map { "\($0.scope) \($0.externalId)" } }
}
