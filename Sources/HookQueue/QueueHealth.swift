import Foundation
import Synchronization

/// Whether the queue's database answers, as the calls made to it find: a worker reports the outcome of its calls
/// here; an operator's log, `hookrules work --exit-on-db-loss` and a server's readiness probe read it.
///
/// An outage begins with the first call that fails because the database is out of reach or out of room
/// (``TransferQueue/isOutage(_:)``) and ends with the next call that succeeds. The observer hears of each change
/// once: the outage with the failure's own message, a reminder while it lasts (after a minute, then at doubling
/// intervals up to hourly, with the latest message), and its end with how long it lasted — never once per failed
/// call, however often the callers retry.
public final class QueueHealth: Sendable {
    public enum State: Sendable, Hashable {
        case available
        case unavailable(Outage)
    }

    /// An outage in progress.
    public struct Outage: Sendable, Hashable {
        /// When the first call failed (wall-clock time, for people).
        public var since: Date
        /// The same moment on the monotonic clock, for durations.
        public var started: ContinuousClock.Instant
        /// The latest failed call's error.
        public var reason: String
        public var failedCalls: Int
    }

    /// What the observer is told.
    public enum Change: Sendable, Hashable {
        /// The first call failed with `reason`.
        case lost(reason: String)
        /// The outage has lasted `duration`; `reason` is the latest failure.
        case stillLost(for: Duration, reason: String)
        /// A call succeeded again after `duration` and `failedCalls` failed calls.
        case restored(after: Duration, failedCalls: Int)
    }

    private struct Tracking {
        var state = State.available
        var nextReminder: Duration = QueueHealth.firstReminder
    }

    static let firstReminder: Duration = .seconds(60)
    static let lastReminderInterval: Duration = .seconds(3600)

    private let tracking = Mutex(Tracking())
    private let onChange: @Sendable (Change) -> Void

    /// - Parameter onChange: called on the reporting caller's task, once per change.
    public init(onChange: @escaping @Sendable (Change) -> Void = { _ in }) {
        self.onChange = onChange
    }

    public var state: State { tracking.withLock(\.state) }

    /// Whether the last call reached the database (true before any call).
    public var isAvailable: Bool { state == .available }

    /// How long the current outage has lasted; nil when the database answers.
    public func outageDuration(now: ContinuousClock.Instant = .now) -> Duration? {
        guard case let .unavailable(outage) = state else { return nil }
        return outage.started.duration(to: now)
    }

    /// Records a call that reached the database. A call made before the current outage began (`callStarted`) does
    /// not end it: its answer may predate the failure, and says nothing of the database now.
    public func recordSuccess(callStarted: ContinuousClock.Instant? = nil, now: ContinuousClock.Instant = .now) {
        let change: Change? = tracking.withLock { tracking in
            guard case let .unavailable(outage) = tracking.state else { return nil }
            if let callStarted, callStarted < outage.started { return nil }
            tracking = Tracking()
            return .restored(after: outage.started.duration(to: now), failedCalls: outage.failedCalls)
        }
        if let change { onChange(change) }
    }

    /// Records a call that failed because the database is out of reach or out of room.
    public func recordOutage(_ reason: String, now: ContinuousClock.Instant = .now, date: Date = Date()) {
        let change: Change? = tracking.withLock { tracking in
            guard case var .unavailable(outage) = tracking.state else {
                tracking.state = .unavailable(Outage(since: date, started: now, reason: reason, failedCalls: 1))
                return .lost(reason: reason)
            }
            outage.reason = reason
            outage.failedCalls += 1
            tracking.state = .unavailable(outage)
            let lasted = outage.started.duration(to: now)
            guard lasted >= tracking.nextReminder else { return nil }
            tracking.nextReminder = lasted + min(lasted, Self.lastReminderInterval)
            return .stillLost(for: lasted, reason: reason)
        }
        if let change { onChange(change) }
    }
}

extension QueueHealth.Change: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .lost(reason): "the queue is out of reach, retrying: \(reason)"
        case let .stillLost(duration, reason):
            "the queue is still out of reach after \(duration.secondsText): \(reason)"
        case let .restored(duration, failedCalls):
            "the queue answers again after \(duration.secondsText) (\(failedCalls) failed call(s))"
        }
    }
}
