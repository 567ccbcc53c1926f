import HookQueue

/// What processing one claimed request came to.
public enum ProcessingResult: Sendable, Hashable {
    /// Transferred: the request leaves the queue.
    case done
    /// Try again later: after `retryAfter` when the target said when, else after the retry policy's backoff.
    case retry(error: String, retryAfter: Duration?)
    /// The target refused the request itself, so retrying cannot help: dead-letter it now.
    case reject(error: String)
}

/// Does the actual transfer of a claimed request. ``HTTPTarget`` posts it to a URL; the platform plugs its own in.
public protocol TransferProcessor: Sendable {
    /// Processes one claim, all of it (connecting, sending, reading the whole answer) by `deadline`: past it the
    /// result is a retry. The worker sets one deadline per delivery (``WorkerSettings/deliveryTimeout``), stops
    /// renewing the claim's lease once it has passed, and shortly after it stops waiting for the processor.
    /// Cancellation means the worker is shutting down: return promptly (any result); the worker gives the claim back
    /// to the queue instead of settling it.
    func process(_ claim: ClaimedRequest, deadline: ContinuousClock.Instant) async -> ProcessingResult
}
