import HookQueue

/// Makes a worker's calls to the queue so that an outage of its database never stops or hangs the worker: every call
/// is bounded by a timeout, and one that fails because the database is out of reach or out of room
/// (``TransferQueue/isOutage(_:)``, or no answer in time) is tried again after a pause that doubles up to
/// ``WorkerSettings/outageRetryLimit``. Each outcome is reported to the worker's ``QueueHealth``. Any other error is
/// thrown as it is.
///
/// A stop bounds everything: no call outlives the stop's grace period, except one short last try to settle a claim
/// when the queue was answering (a release at shutdown).
struct QueueCalls: Sendable {
    /// How long a call keeps trying through an outage.
    enum Patience {
        /// Until the worker is asked to stop (an attempt already running may finish within the grace period): a
        /// claim, which a stopping worker no longer needs.
        case untilStopRequested
        /// Until the stop's grace period is over: settling a claim, which a stopping worker still owes the queue.
        case untilGraceIsOver
        /// One attempt: a heartbeat, which the next beat repeats anyway.
        case once
    }

    let queue: any TransferQueue
    let health: QueueHealth
    let settings: WorkerSettings
    let stop: StopRequest

    static let firstPause: Duration = .milliseconds(100)
    /// How long a settling call may take once the grace period is over (a release at shutdown).
    static let lastAttemptTimeout: Duration = .seconds(1)

    /// Runs `operation` until it succeeds (returning its value), or until `patience` runs out in an outage or the
    /// calling task is cancelled (returning nil: the worker is stopping). Throws
    /// ``WorkerError/queueUnavailable(for:reason:)`` once an outage has lasted longer than
    /// ``WorkerSettings/maximumOutage``, and any error that is not an outage.
    func run<T: Sendable>(
        _ patience: Patience, timeout: Duration? = nil,
        _ operation: @escaping @Sendable (any TransferQueue) async throws -> T
    ) async throws -> T? {
        var timeout = timeout ?? settings.queueCallTimeout
        var patience = patience
        var pause = Self.firstPause
        while true {
            switch whatIsLeft(patience) {
            case .everything: break
            case .nothing: return nil
            case .oneShortAttempt:
                // The grace period is over: what is still unsettled gets one quick try, none while the queue is known
                // to be out of reach, so the worker ends promptly.
                guard health.isAvailable else { return nil }
                timeout = min(timeout, Self.lastAttemptTimeout)
                patience = .once
            }
            let started = ContinuousClock.now
            do {
                guard let value = try await attempt(operation, timeout: timeout, patient: patience != .once)
                else { return nil }
                health.recordSuccess(callStarted: started)
                return value
            } catch let error where error is DeadlineExceeded || queue.isOutage(error) {
                health.recordOutage("\(error)")
                if let maximum = settings.maximumOutage, let lasted = health.outageDuration(), lasted >= maximum {
                    throw WorkerError.queueUnavailable(for: lasted, reason: "\(error)")
                }
                if patience == .once { return nil }
                await wait(pause)
                pause = min(pause * 2, settings.outageRetryLimit)
            } catch is CancellationError {
                return nil
            }
            if Task.isCancelled { return nil }
        }
    }

    private enum Left {
        case everything
        case oneShortAttempt
        case nothing
    }

    /// What a call with `patience` may still do, as things stand.
    private func whatIsLeft(_ patience: Patience) -> Left {
        guard let stopped = stop.requestedAt else { return .everything }
        switch patience {
        case .untilStopRequested: return .nothing
        case .once: return .everything
        case .untilGraceIsOver: return stopped + settings.grace > .now ? .everything : .oneShortAttempt
        }
    }

    /// What ended one attempt's race.
    private enum Outcome<T: Sendable>: Sendable {
        case answered(T)
        case graceIsOver
        case databaseAnswersProbe
    }

    /// One attempt, bounded by `timeout`. With `patient`, also ended (nil) when the stop's grace period is over, so a
    /// call waiting for a database that is gone never keeps a stopping worker; and when the call has not answered
    /// within ``probeAfter``, the queue is probed (``TransferQueue/probe()``): if the database does not answer the
    /// probe, the attempt ends at once with the probe's error, which says why (the server's own message).
    private func attempt<T: Sendable>(
        _ operation: @escaping @Sendable (any TransferQueue) async throws -> T, timeout: Duration, patient: Bool
    ) async throws -> T? {
        let queue = queue
        let deadline = ContinuousClock.now + timeout
        let call = { @Sendable in
            try await withDeadline(deadline, "no answer from the queue within \(timeout.secondsText)") { try await operation(queue) }
        }
        guard patient else { return try await call() }
        return try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
            group.addTask { .answered(try await call()) }
            group.addTask {
                await stop.wait()
                if let stopped = stop.requestedAt {
                    try? await Task.sleep(until: stopped + settings.grace, clock: .continuous)
                }
                try Task.checkCancellation()
                return .graceIsOver
            }
            if timeout > Self.probeAfter {
                group.addTask {
                    try await Task.sleep(for: Self.probeAfter)
                    try await withDeadline(deadline, "no answer from the queue within \(timeout.secondsText)") { try await queue.probe() }
                    return .databaseAnswersProbe
                }
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                switch outcome {
                case let .answered(value): return value
                case .graceIsOver: return nil
                case .databaseAnswersProbe: continue
                }
            }
            return nil
        }
    }

    /// How long a call may go unanswered before the worker probes the database.
    static let probeAfter: Duration = .seconds(2)

    /// Pauses between attempts: `pause` at most, and no longer than until the worker is asked to stop or, once it
    /// is stopping, until the grace period is over.
    private func wait(_ pause: Duration) async {
        if let stopped = stop.requestedAt {
            let left = ContinuousClock.now.duration(to: stopped + settings.grace)
            if left > .zero { try? await Task.sleep(for: min(pause, left)) }
        } else {
            await stop.wait(atMost: pause)
        }
    }
}
