import LuaRuntime

/// Everything one hook turned into. Nothing is dropped silently: a record is either a request, ignored with a
/// reason, or an error.
public struct HookOutcome: Sendable {
    public var hookId: String
    /// The rules generation that produced this outcome (see ``RuleEngine/generation``).
    public var generation: Int
    public var requests: [TransferRequest] = []
    /// Where in the rule file each request was made, in the order of `requests`.
    public var requestLocations: [LuaSourceLocation] = []
    public var ignored: [IgnoredRecord] = []
    public var errors: [RuleFailure] = []
    /// What the rule printed.
    public var log: [String] = []

    public init(hookId: String, generation: Int = 0) {
        self.hookId = hookId
        self.generation = generation
    }

    /// A hook with any error is kept as failed, for replay once the rule is fixed.
    public var failed: Bool { !errors.isEmpty }
}

public struct IgnoredRecord: Sendable, Hashable {
    /// 1-based position of the record in the hook (1 for single-record hooks).
    public var record: Int
    public var event: String?
    public var reason: String
}

/// Why a rule, or one record of a hook, could not be turned into requests: where in which rule file and why.
public struct RuleFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based record position, or nil when the whole hook failed.
    public var record: Int?
    public var message: String
    public var location: LuaSourceLocation?
    public var traceback: String?

    public init(record: Int? = nil, message: String, location: LuaSourceLocation? = nil, traceback: String? = nil) {
        self.record = record
        self.message = message
        self.location = location
        self.traceback = traceback
    }

    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        let which = record.map { "record \($0): " } ?? ""
        return "\(place)\(which)\(message)"
    }
}
