import HookCapture
import HookModel
import HookRules
import HookRulesConfig

/// A rule's fixture file, `rules/<integration>.fixtures.yaml`: cases that each replay a hook through the rule and
/// state the outcome it must have. Run by `hookrules test` and by the test suite; the format is documented in
/// docs/testing-rules.md.
public struct RuleFixtureFile: Sendable {
    public static let suffix = ".fixtures.yaml"

    public let path: String
    /// From the file name: `shopify.fixtures.yaml` tests `shopify.lua`.
    public let integration: String
    /// The file's text as read, which `--update` edits in place (see ``updating(with:)``).
    public let source: String
    /// Used by cases that name none.
    public let subscription: FixtureSubscription?
    public var cases: [FixtureCase]
}

/// One case: a hook, the subscription it is replayed for, and what must come out.
public struct FixtureCase: Sendable {
    public var name: String
    /// Where the case starts in its file.
    public var line: Int
    public var hook: FixtureHook
    public var subscription: FixtureSubscription?
    public var expected: ExpectedOutcome
}

/// The hook a case replays: a capture file (relative to the fixture file), or one written into the case.
public enum FixtureHook: Sendable, Hashable {
    case file(String)
    case inline(headers: [FixtureHeader], body: String)
}

public struct FixtureHeader: Sendable, Hashable {
    public var name: String
    public var value: String
}

/// A subscription named in the subscriptions file, or written into the fixture (for presets and policies a case
/// needs; it need not exist anywhere else).
public enum FixtureSubscription: Sendable, Hashable {
    case named(String)
    case inline(id: String?, presets: [String: PresetValue], deletes: DeletePolicy)
}

/// What a case must produce.
public struct ExpectedOutcome: Sendable, Hashable {
    public enum Match: String, Sendable, Hashable {
        /// The requests (and ignored records) are exactly these, in this order; no errors.
        case exact
        /// These requests (and ignored records) are among the outcome's; others may be there too.
        case contains
    }

    public var match: Match = .exact
    public var requests: [ExpectedRequest] = []
    /// Nil: not stated (an exact case then expects none).
    public var ignored: [ExpectedIgnore]?
    /// A hook that must fail: text its error message contains.
    public var error: String?
    /// The answer the rule must give (its `handshake` or `reply`); nil: not stated, and the server's usual one.
    public var reply: ExpectedReply?

    public init(
        match: Match = .exact, requests: [ExpectedRequest] = [], ignored: [ExpectedIgnore]? = nil, error: String? = nil,
        reply: ExpectedReply? = nil
    ) {
        self.match = match
        self.requests = requests
        self.ignored = ignored
        self.error = error
        self.reply = reply
    }
}

/// An answer a case expects the rule to give: its status, and its body when stated.
public struct ExpectedReply: Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var body: String?

    public init(status: Int, body: String? = nil) {
        self.status = status
        self.body = body
    }

    public var description: String { "\(status)" + (body.map { " \(LuaQuotedText.quote($0))" } ?? "") }
}

/// Text quoted for a diff line (the rule's own notation).
enum LuaQuotedText {
    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}

/// A request as a fixture states it; unstated fields have their defaults (no parent, not a child request…).
public struct ExpectedRequest: Sendable, Hashable, CustomStringConvertible {
    public var scope: String
    public var externalId: String
    public var direction: Direction = .to
    public var childRequest = false
    public var parent: RequestLink?
    public var origin: RequestLink?
    public var deleteTriggered = false

    public init(scope: String, externalId: String) {
        self.scope = scope
        self.externalId = externalId
    }

    public init(_ request: TransferRequest) {
        scope = request.scope.description
        externalId = request.externalId
        direction = request.direction
        childRequest = request.childRequest
        parent = request.parent
        origin = request.origin
        deleteTriggered = request.deleteTriggered
    }

    /// One line per request, for diffs.
    public var description: String {
        var text = "\(scope) \"\(externalId)\""
        if direction != .to { text += " direction=\(direction.rawValue)" }
        if childRequest { text += " childRequest" }
        if let parent { text += " parent=\(parent.kind) \"\(parent.externalId)\"" }
        if let origin { text += " origin=\(origin.kind) \"\(origin.externalId)\"" }
        if deleteTriggered { text += " deleteTriggered" }
        return text
    }
}

public struct ExpectedIgnore: Sendable, Hashable, CustomStringConvertible {
    public var record: Int
    public var event: String?
    public var reason: String

    public init(record: Int = 1, event: String? = nil, reason: String) {
        self.record = record
        self.event = event
        self.reason = reason
    }

    public init(_ ignored: IgnoredRecord) {
        self.init(record: ignored.record, event: ignored.event, reason: ignored.reason)
    }

    public var description: String {
        "record \(record)\(event.map { " event \"\($0)\"" } ?? ""): \(reason)"
    }
}
