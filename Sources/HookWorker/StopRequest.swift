import Synchronization

/// Asks workers to stop: they claim nothing more, finish what they hold within a grace period, and give back to
/// the queue what they could not finish. Request it from a signal handler, a test, or a server's shutdown.
public final class StopRequest: Sendable {
    private struct State {
        var requestedAt: ContinuousClock.Instant?
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public var isRequested: Bool { requestedAt != nil }

    /// When the stop was first requested; nil until it is.
    public var requestedAt: ContinuousClock.Instant? { state.withLock(\.requestedAt) }

    /// Requests the stop; requesting again does nothing.
    public func request() {
        let waiters = state.withLock { state in
            if state.requestedAt == nil { state.requestedAt = .now }
            defer { state.waiters.removeAll() }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the stop is requested, or when the waiting task is cancelled.
    public func wait() async {
        let ticket = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    guard state.requestedAt == nil, !Task.isCancelled else { return true }
                    state.waiters[ticket] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: ticket) }?.resume()
        }
    }

    /// Returns once the stop is requested or `timeout` has passed, whichever comes first (or when the task is
    /// cancelled).
    public func wait(atMost timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
