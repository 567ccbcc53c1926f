/// Everything one hook turned into. Nothing is dropped silently: a record is either a request, ignored with a
/// reason, or an error.
public struct HookOutcome: Sendable {
    public var hookId: String
    /// The rules generation that produced this outcome (rules reloaded while serving count up).
    public var generation: Int
    public var made: [MadeRequest] = []
    public var ignored: [IgnoredRecord] = []
    public var errors: [RuleFailure] = []
    /// What the rule printed.
    public var log: [String] = []

    public init(hookId: String, generation: Int = 0) {
        self.hookId = hookId
        self.generation = generation
    }

    /// The requests in the order the rule made them.
    public var requests: [TransferRequest] { made.map(\.request) }

    /// A hook with any error has failed: the intake server is to keep it for replay once the rule is fixed.
    public var failed: Bool { !errors.isEmpty }
}

/// A request and the place in the rule file that made it (for traces).
public struct MadeRequest: Sendable, Hashable {
    public var request: TransferRequest
    public var location: RuleLocation

    public init(_ request: TransferRequest, at location: RuleLocation) {
        self.request = request
        self.location = location
    }
}

public struct IgnoredRecord: Sendable, Hashable {
    /// 1-based position of the record in the hook (1 for single-record hooks).
    public var record: Int
    public var event: String?
    public var reason: String

    public init(record: Int, event: String? = nil, reason: String) {
        self.record = record
        self.event = event
        self.reason = reason
    }
}
