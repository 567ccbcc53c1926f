/// Why running Lua failed, in terms a rule author can act on: what kind of failure, where (rule file and line),
/// the message, and the Lua traceback when there is one.
public struct LuaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The rule file does not compile (or is precompiled bytecode).
        case syntax
        /// The rule raised an error, or called something with wrong arguments.
        case runtime
        case memoryLimit
        case instructionLimit
        case timeLimit
        /// A body handed to the rule could not be decoded (invalid JSON, ...).
        case invalidInput
        /// What the rule returned cannot be turned into a Swift value (a function, a cycle, a mixed table, ...).
        case unconvertibleResult
        /// The rule file does not have the shape the host asked for (e.g. no function of that name).
        case contract
    }

    public var kind: Kind
    public var message: String
    public var location: LuaSourceLocation?
    public var traceback: String?
    /// What the rule printed before it failed.
    public var log: [String]

    public init(
        _ kind: Kind, _ message: String, location: LuaSourceLocation? = nil, traceback: String? = nil, log: [String] = []
    ) {
        self.kind = kind
        self.message = message
        self.location = location
        self.traceback = traceback
        self.log = log
    }

    /// `rules/shop.lua:12: attempt to index a nil value (field 'customer')`, or the message alone.
    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }

    /// True when the run was stopped by a limit rather than by the rule's own logic.
    public var isLimit: Bool {
        kind == .memoryLimit || kind == .instructionLimit || kind == .timeLimit
    }
}
