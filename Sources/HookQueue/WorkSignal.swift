import Synchronization

/// Wakes the tasks of this process waiting for queue work when this process makes some (an enqueue, a release, a
/// retry). Backends use it to implement ``TransferQueue/waitForWork(timeout:)``; one with cross-process
/// notifications (PostgreSQL's LISTEN/NOTIFY) signals it from those too.
public final class WorkSignal: Sendable {
    private struct Waiters {
        var next = 0
        var continuations: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waits whose timer fired (or whose task was cancelled) before they registered their continuation: they
        /// must end as soon as they do.
        var endedEarly: Set<Int> = []
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
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.wake(ticket)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let endNow = waiters.withLock { waiters in
                    guard !Task.isCancelled, waiters.endedEarly.remove(ticket) == nil else { return true }
                    waiters.continuations[ticket] = continuation
                    return false
                }
                if endNow { continuation.resume() }
            }
        } onCancel: {
            wake(ticket)
        }
        timer.cancel()
        // The timer may have fired after the wait ended some other way: forget the ticket only once it is done.
        await timer.value
        _ = waiters.withLock { $0.endedEarly.remove(ticket) }
    }

    /// Ends one wait: at once when it is registered, else as soon as it registers.
    private func wake(_ ticket: Int) {
        let continuation = waiters.withLock { waiters in
            guard let continuation = waiters.continuations.removeValue(forKey: ticket) else {
                waiters.endedEarly.insert(ticket)
                return nil as CheckedContinuation<Void, Never>?
            }
            return continuation
        }
        continuation?.resume()
    }
}
