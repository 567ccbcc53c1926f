/// Errors of the queue's own making (a backend's database errors pass through as they are).
public enum TransferQueueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The claim (this id at this attempt) is no longer held: its lease expired and it was rescued, claimed again,
    /// or settled. The caller must drop its work on the request; it is someone else's now.
    case leaseLost(id: QueueItemID, attempt: Int)
    /// An argument no queue can honour (a limit below 1, a lease that is not positive).
    case invalidArgument(String)
    /// A stored row that does not decode into a request (a hand-edited database, or a newer schema).
    case corruptEntry(id: QueueItemID, reason: String)

    public var description: String {
        switch self {
        case let .leaseLost(id, attempt): "lease lost: request \(id) at attempt \(attempt) is no longer held by this claim"
        case let .invalidArgument(message): "invalid argument: \(message)"
        case let .corruptEntry(id, reason): "queue entry \(id) cannot be read: \(reason)"
        }
    }
}
