import Synchronization

/// Wakes the tasks of this process waiting for queue work when this process makes some (an enqueue, a release, a
/// retry). Backends use it to implement ``TransferQueue/waitForWork(timeout:)``; one with cross-process
/// notifications (PostgreSQL's LISTEN/NOTIFY) signals it from those too.
public final class WorkSignal: Sendable {
    private struct Waiters {
        var next = 0
        var continuations: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let waiters = Mutex(Waiters())

    public init() {}

    /// Wakes every task waiting now.
    public func signal() {
        let woken = waiters.withLock { waiters in
            defer { waiters.continuations.removeAll() }
            return Array(waiters.continuations.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns at the next ``signal()``, after `timeout`, or when the task is cancelled, whichever comes first.
    public func wait(timeout: Duration) async {
        let ticket = waiters.withLock { waiters in
            defer { waiters.next += 1 }
            return waiters.next
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.wake(ticket)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let cancelled = waiters.withLock { waiters in
                    guard !Task.isCancelled else { return true }
                    waiters.continuations[ticket] = continuation
                    return false
                }
                if cancelled { continuation.resume() }
            }
        } onCancel: {
            wake(ticket)
        }
        timer.cancel()
    }

    private func wake(_ ticket: Int) {
        waiters.withLock { $0.continuations.removeValue(forKey: ticket) }?.resume()
    }
}
