import Foundation

/// A received hook kept in the queue database with why: its rule failed (acknowledged, replayed once the rule is
/// fixed), or it was rejected before the rule ran (not acknowledged: a bad signature, too large, an unknown
/// subscription), for the operator to see. Headers and body are kept exactly as received.
public struct KeptHook: Sendable, Hashable, Identifiable {
    public enum Disposition: String, Sendable, Hashable, CaseIterable, Codable {
        /// The rule failed on it; it was acknowledged and is replayed with `hooks retry`.
        case failed
        /// Refused before the rule ran; the sender got an error status.
        case rejected
    }

    public var id: String
    public var subscription: String
    public var disposition: Disposition
    /// Why: the rule error with its file and line, or the rejection's reason.
    public var cause: String
    public var receivedAt: Date
    public var method: String
    /// The path and query the hook was posted to.
    public var target: String
    public var headers: [HeaderField]
    /// The raw body; empty when it was not read (a body over the size limit).
    public var body: [UInt8]

    public init(
        id: String, subscription: String, disposition: Disposition, cause: String, receivedAt: Date, method: String,
        target: String, headers: [HeaderField], body: [UInt8]
    ) {
        self.id = id
        self.subscription = subscription
        self.disposition = disposition
        self.cause = cause
        self.receivedAt = receivedAt
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    public struct HeaderField: Sendable, Hashable, Codable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}
