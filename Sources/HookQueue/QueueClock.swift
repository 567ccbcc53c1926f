import Foundation

/// Where the queue's notion of "now" comes from: every due time, lease expiry and enqueue time. Inject a clock you
/// control in tests; production uses ``SystemQueueClock``.
public protocol QueueClock: Sendable {
    func now() -> Date
}

/// The wall clock.
public struct SystemQueueClock: QueueClock {
    public init() {}

    public func now() -> Date { Date() }
}
