import Foundation
import HookModel
import Yams

/// Who may send a subscription's hooks and call its manual-sync API, and how many of its hooks the server captures:
/// the `auth`, `api_keys` and `capture` fields of its entry in the subscriptions file. Secrets stay as written
/// (`"${SHOPIFY_SECRET}"` or literal text) until the server resolves them (``RuleFolder/authenticators(environment:)``),
/// so commands that never serve hooks do not need them set.
///
/// ```yaml
/// auth: none                                  # any request is accepted: must be written out
/// auth:
///   secrets: ["${SHOPIFY_SECRET}", "${SHOPIFY_SECRET_NEXT}"]   # for the rule's signature scheme; several while rotating
///   bearer: ["${ACME_HOOK_KEY}"]              # and/or an Authorization: Bearer key
///   tolerance: 5m                             # freshness window, for schemes that sign a timestamp
///   settings: { notification_url: "https://hooks.example.com/hooks/acme-square" }  # the scheme's own settings
/// api_keys: ["${ACME_API_KEY}"]               # Bearer keys of the manual-sync API (POST /api/transfers)
/// capture: 0.1                                # share of received hooks written by `serve --capture`
/// ```
public struct SubscriptionAccess: Sendable, Hashable {
    public enum Authentication: Sendable, Hashable {
        /// `auth: none`: every request is accepted.
        case none
        case keys(AuthenticationKeys)
    }

    public struct AuthenticationKeys: Sendable, Hashable {
        /// Secrets of the rule's signature scheme, as written.
        public var secrets: [SecretText]
        /// Bearer keys, as written.
        public var bearer: [SecretText]
        /// The scheme's settings from the subscription (`tolerance`, `notification_url`, ...), as text.
        public var settings: [String: String]
        /// Where `auth` is, for messages.
        public var line: Int
    }

    /// nil when the entry says nothing: the server then refuses to start rather than accept anything.
    public var authentication: Authentication?
    public var apiKeys: [SecretText]
    /// The share (0...1) of hooks `serve --capture` writes; nil for the server's default.
    public var capture: Double?

    public init(authentication: Authentication? = nil, apiKeys: [SecretText] = [], capture: Double? = nil) {
        self.authentication = authentication
        self.apiKeys = apiKeys
        self.capture = capture
    }
}

/// A secret as written in the subscriptions file, with where: resolved only by the server.
public struct SecretText: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var line: Int

    /// Never the text: a literal secret must not reach a log through a message about it.
    public var description: String { text.hasPrefix("${") ? text : "<literal secret>" }
}

extension SubscriptionAccess {
    init(reading entry: YAMLFields) throws(ConfigProblem) {
        self.init()
        if let node = entry["auth"] {
            authentication = try Self.authentication(node, entry: entry)
        }
        apiKeys = try Self.secrets(entry, "api_keys") ?? []
        if let node = entry["capture"] {
            guard [.float, .int].contains(node.tagName), let share = node.float, (0...1).contains(share) else {
                throw entry.problem("capture must be a share of hooks from 0 to 1, such as 0.1", at: "capture")
            }
            capture = share
        }
    }

    private static func authentication(_ node: Node, entry: YAMLFields) throws(ConfigProblem) -> Authentication {
        if let text = node.scalar?.string, node.tagName == .str {
            guard text == "none" else {
                throw entry.problem("auth must be none, or a table with secrets and/or bearer keys", at: "auth")
            }
            return .none
        }
        var fields = try YAMLFields(node, in: entry.document, context: "\(entry.context) auth")
        fields.context = "\(entry.context) auth"
        try fields.refuseUnknown(["secrets", "bearer", "tolerance", "settings"])
        let secrets = try Self.secrets(fields, "secrets") ?? []
        let bearer = try Self.secrets(fields, "bearer") ?? []
        guard !secrets.isEmpty || !bearer.isEmpty else {
            throw fields.problem("needs secrets (for the rule's signature) and/or bearer keys; write auth: none for none")
        }
        var settings: [String: String] = [:]
        if let node = fields["settings"] {
            let table = try YAMLFields(node, in: entry.document, context: "\(fields.context) settings")
            for (name, value) in table.pairs {
                guard let text = value.scalar?.string else {
                    throw table.problem("\(name) must be text", at: name)
                }
                settings[name] = text
            }
        }
        if let node = fields["tolerance"] {
            guard let text = node.scalar?.string else { throw fields.problem("tolerance must be a duration such as 5m", at: "tolerance") }
            settings["tolerance"] = text
        }
        return .keys(AuthenticationKeys(secrets: secrets, bearer: bearer, settings: settings, line: node.mark?.line ?? 0))
    }

    /// A list of secrets (or one), each text as written.
    private static func secrets(_ fields: YAMLFields, _ key: String) throws(ConfigProblem) -> [SecretText]? {
        guard let node = fields[key] else { return nil }
        let items = node.sequence.map(Array.init) ?? [node]
        var secrets: [SecretText] = []
        for item in items {
            guard let text = item.scalar?.string, !text.isEmpty, item.tagName != .null else {
                throw fields.problem("\(key) must be a list of secrets (\"${VARIABLE}\" or text)", at: key)
            }
            secrets.append(SecretText(text: text, line: item.mark?.line ?? 0))
        }
        guard !secrets.isEmpty else { throw fields.problem("\(key) is an empty list", at: key) }
        return secrets
    }
}

/// The subscriptions file: every subscription and its access settings.
public struct SubscriptionsConfiguration: Sendable {
    public var path: String
    public var subscriptions: [Subscription] = []
    /// By subscription id.
    public var access: [String: SubscriptionAccess] = [:]

    public init(path: String, subscriptions: [Subscription] = [], access: [String: SubscriptionAccess] = [:]) {
        self.path = path
        self.subscriptions = subscriptions
        self.access = access
    }
}
