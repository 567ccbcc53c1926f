import Foundation
import HookModel
import HookRulesConfig
import HookSignatures
import Synchronization

/// The subscriptions' authenticators, API keys and capture shares as the configuration says now: built at start
/// and again on every reload (a rotated secret takes effect without a restart). A reload whose secrets cannot be
/// resolved keeps the previous table (the engine then runs the new rules, and a subscription the old table does
/// not know is refused: nothing is ever open by mistake).
public final class AccessTable: Sendable {
    struct Entries {
        var authenticators: [String: RequestAuthenticator]
        var apiKeys: [String: BearerKeys]
        var capture: [String: Double]
    }

    private let entries: Mutex<Entries>
    private let environment: [String: String]

    /// - Throws: every problem of the folder's access settings (see ``RuleFolder/authenticators(environment:)``).
    public init(folder: RuleFolder, environment: [String: String]) throws(RuleFolderError) {
        self.environment = environment
        entries = Mutex(try Self.entries(of: folder, environment: environment))
    }

    /// Replaces the table with the folder's; throws (keeping the old table) when its access settings have problems.
    public func reload(_ folder: RuleFolder) throws(RuleFolderError) {
        let next = try Self.entries(of: folder, environment: environment)
        entries.withLock { $0 = next }
    }

    public func authenticator(for subscription: Subscription) -> RequestAuthenticator? {
        entries.withLock { $0.authenticators[subscription.id] }
    }

    public var apiKeys: [String: BearerKeys] { entries.withLock { $0.apiKeys } }

    /// The share of a subscription's hooks to capture: its `capture`, else `fallback`.
    public func captureShare(of subscription: String, fallback: Double) -> Double {
        entries.withLock { $0.capture[subscription] } ?? fallback
    }

    private static func entries(of folder: RuleFolder, environment: [String: String]) throws(RuleFolderError) -> Entries {
        Entries(
            authenticators: try folder.authenticators(environment: environment),
            apiKeys: try folder.apiKeys(environment: environment),
            capture: folder.access.compactMapValues(\.capture))
    }
}
