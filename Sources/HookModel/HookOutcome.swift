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
    /// The sender's id for this delivery, when the rule says where it is: a redelivery adds nothing.
    public var delivery: String?
    /// The answer the rule asks the server to give (a handshake, an acknowledgement body), else nil.
    public var reply: HookReply?

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

/// An answer a rule declares for its hooks: a 2xx status, headers and a body.
public struct HookReply: Sendable, Hashable {
    public var status: Int
    public var headers: [HeaderField]
    public var body: [UInt8]

    public init(status: Int = 200, headers: [HeaderField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public struct HeaderField: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
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
