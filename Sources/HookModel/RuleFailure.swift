/// Why a rule, or one record of a hook, could not be turned into requests: where in which rule file and why.
public struct RuleFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based record position, or nil when the whole hook failed.
    public var record: Int?
    public var message: String
    public var location: RuleLocation?
    public var traceback: String?

    public init(record: Int? = nil, message: String, location: RuleLocation? = nil, traceback: String? = nil) {
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
