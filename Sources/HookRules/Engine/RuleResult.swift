import LuaRuntime

/// What a rule's `handle` returned (`{ requests = {...}, ignored = {...}, errors = {...} }`), field by field, as
/// ``RequestValidator`` uses it. Read straight off the Lua stack when the result has the shape the rule API makes
/// (see `RuleResult+Reading.swift`); otherwise from the generic ``LuaValue`` with `init(_:)`. Both give the same
/// fields with the same defaults, so the validator's decisions and messages do not depend on the path taken.
struct RuleResult: Sendable, Equatable {
    struct Ignored: Sendable, Equatable {
        var record: Int64?
        var event: String?
        var reason: String?
    }

    struct Failure: Sendable, Equatable {
        var record: Int64?
        var message: String?
        var traceback: String?
        /// The rule line that led to the error, when its message carries none.
        var line: Int64?
    }

    /// A `parent` or `origin` that is there (not nil): its `kind` when that is a string, and its `id`.
    struct Link: Sendable, Equatable {
        var kind: String?
        var id: LuaValue?
    }

    struct Request: Sendable, Equatable {
        var record: Int64?
        var line: Int64?
        var event: String?
        var scope: String?
        /// Kept as a value: the validator words its refusal by type (a float, a table, nothing).
        var id: LuaValue?
        var childRequest = false
        var parent: Link?
        var origin: Link?
    }

    /// The answer the rule asks for (`reply`): kept as returned, checked by the validator.
    struct Reply: Sendable, Equatable {
        var status: LuaValue?
        var headers: LuaValue?
        var body: LuaValue?
    }

    var ignored: [Ignored] = []
    var errors: [Failure] = []
    var requests: [Request] = []
    /// How many requests the rule returned when that is over the integration's limit (then none are read).
    var tooManyRequests: Int?
    /// The sender's delivery id, when the rule declares where it is (`delivery`).
    var delivery: String?
    var reply: Reply?
}

extension RuleResult {
    /// The generic path: fields picked from a result already read into ``LuaValue``s. Whatever is not a list of
    /// tables counts as no entries, a field of another type than expected as absent.
    init(_ result: LuaValue) {
        ignored = (result["ignored"]?.arrayValue ?? []).map { entry in
            Ignored(
                record: entry["record"]?.integerValue, event: entry["event"]?.stringValue,
                reason: entry["reason"]?.stringValue)
        }
        errors = (result["errors"]?.arrayValue ?? []).map { entry in
            Failure(
                record: entry["record"]?.integerValue, message: entry["message"]?.stringValue,
                traceback: entry["traceback"]?.stringValue, line: entry["line"]?.integerValue)
        }
        requests = (result["requests"]?.arrayValue ?? []).map { entry in
            Request(
                record: entry["record"]?.integerValue, line: entry["line"]?.integerValue,
                event: entry["event"]?.stringValue, scope: entry["scope"]?.stringValue, id: entry["id"],
                childRequest: entry["child_request"] == .boolean(true), parent: Link(entry["parent"]),
                origin: Link(entry["origin"]))
        }
        delivery = result["delivery"]?.stringValue
        if let reply = result["reply"], reply != .nil {
            self.reply = Reply(status: reply["status"], headers: reply["headers"], body: reply["body"])
        }
    }
}

extension RuleResult.Link {
    /// nil when the link is absent (or `json.null`); a value that is not a table has no kind.
    init?(_ value: LuaValue?) {
        guard let value, value != .nil else { return nil }
        self.init(kind: value["kind"]?.stringValue, id: value["id"])
    }
}
