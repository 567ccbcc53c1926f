/// The queue's own id of one queued request, assigned by the backend on insert; never reused.
public struct QueueItemID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: Int64) {
        self.rawValue = rawValue
    }

    public var description: String { String(rawValue) }

    public static func < (lhs: QueueItemID, rhs: QueueItemID) -> Bool { lhs.rawValue < rhs.rawValue }
}
