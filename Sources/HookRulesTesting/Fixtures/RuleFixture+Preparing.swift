import Foundation
import HookCapture
import HookModel
import HookRules
import HookRulesConfig

/// What a case replays: the capture and the subscription it is replayed for.
public struct PreparedCase: Sendable {
    public let capture: CapturedHook
    public let subscription: Subscription

    /// The capture as the hook the rule receives.
    public var hook: Hook { capture.hook(subscription: subscription) }
}

/// Why a case cannot run: its capture cannot be read, or its subscription cannot be found.
public struct FixtureCaseProblem: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension RuleFixtureFile {
    /// How a fixture file names the subscription when several use its integration: said in every such message.
    static let namingASubscription = "with \"subscription:\" in the case, or at the top of the fixture file for every case"

    /// Why the file's cases cannot run in `book`, one line each: its rule did not load (each problem), or there is
    /// no rule file for its integration. Empty when the rule loaded.
    public func ruleProblems(in book: RuleBook) -> [String] {
        if book.rules[integration] != nil { return [] }
        if let failures = book.failed[integration] {
            return failures.map { "the rule did not load: \($0)" }
        }
        return ["no rule file \(integration).lua in \(book.folder) for these fixtures"]
    }

    /// The capture and subscription a case replays, resolved exactly as `hookrules test` runs it: the capture path
    /// relative to this file, the case's subscription, else the file's, else the integration's only one (or a
    /// default one when it has none).
    public func prepare(
        _ fixtureCase: FixtureCase, subscriptions: SubscriptionDirectory
    ) throws(FixtureCaseProblem) -> PreparedCase {
        let capture: CapturedHook
        do {
            capture = try self.capture(of: fixtureCase)
        } catch {
            throw FixtureCaseProblem(message: "\(error)")
        }
        do {
            return PreparedCase(capture: capture, subscription: try subscription(for: fixtureCase, in: subscriptions))
        } catch {
            throw FixtureCaseProblem(message: error.message(namingOne: Self.namingASubscription))
        }
    }

    /// Every problem `hookrules test` would meet before running a case of this file, each at the case's line (for
    /// `hookrules check`). Without `subscriptions` (the file did not load), named subscriptions are not checked.
    public func caseProblems(subscriptions: SubscriptionDirectory?) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        for fixtureCase in cases {
            func problem(_ message: String) -> ConfigProblem {
                ConfigProblem(file: path, line: fixtureCase.line, message: "case \"\(fixtureCase.name)\": \(message)")
            }
            if let subscriptions {
                do {
                    _ = try prepare(fixtureCase, subscriptions: subscriptions)
                } catch {
                    problems.append(problem(error.message))
                }
            } else {
                do {
                    _ = try capture(of: fixtureCase)
                } catch {
                    problems.append(problem("\(error)"))
                }
            }
        }
        return problems
    }

    private func subscription(
        for fixtureCase: FixtureCase, in directory: SubscriptionDirectory
    ) throws(SubscriptionLookupError) -> Subscription {
        switch fixtureCase.subscription ?? subscription {
        case .named(let id):
            return try directory.subscription(id: id, integration: integration)
        case .inline(let id, let presets, let deletes):
            return Subscription(id: id ?? "fixture", integration: integration, presets: presets, deletes: deletes)
        case nil:
            return try directory.subscription(id: nil, integration: integration)
        }
    }

    private func capture(of fixtureCase: FixtureCase) throws(CaptureError) -> CapturedHook {
        switch fixtureCase.hook {
        case .file(let relative):
            let folder = (path as NSString).deletingLastPathComponent
            let file = relative.hasPrefix("/") ? relative : (folder as NSString).appendingPathComponent(relative)
            return try CapturedHook(path: (file as NSString).standardizingPath)
        case .inline(let headers, let body):
            return CapturedHook(
                path: "\(path)#inline", integration: integration,
                headers: HTTPHeaders(headers.map { (name: $0.name, value: $0.value) }), body: Array(body.utf8))
        }
    }
}
