import Foundation
import HookQueue
import HookModel
import Synchronization

/// Drains the queue: claims requests, hands each to a ``TransferProcessor``, settles it by the result, and
/// enqueues the outbound fan-out of completed incoming requests in the same transaction.
///
/// `concurrency` slots each claim one request at a time, so a slow request never holds up claimed ones behind
/// it. Each delivery has one deadline (``WorkerSettings/deliveryTimeout``); one heartbeat task renews the leases of
/// the requests in flight whose deadline has not passed, every third of the lease. On a stop, slots claim nothing
/// more; requests still in flight after the grace period are cancelled and released (pending again, the attempt not
/// counted).
///
/// An outage of the queue's database does not stop the worker: its calls wait and try again (``QueueCalls``) and
/// report to ``health``. A request processed during an outage is settled once the database answers again (fenced as
/// always: if its lease expired and someone else took it meanwhile, the settlement is refused and the request was
/// delivered twice). A worker asked to stop during an outage waits for the database no longer than the grace period;
/// what it could not settle by then comes back when its leases expire.
public struct TransferWorker: Sendable {
    public let queue: any TransferQueue
    public let processor: any TransferProcessor
    public let fanOut: OutboundFanOut?
    public let settings: WorkerSettings
    /// Whether the queue answers, as this worker's calls find it; share it with whatever reports readiness.
    public let health: QueueHealth
    private let onEvent: @Sendable (WorkerEvent) -> Void

    public init(
        queue: any TransferQueue, processor: any TransferProcessor, fanOut: OutboundFanOut?, settings: WorkerSettings,
        health: QueueHealth = QueueHealth(), onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in }
    ) {
        self.queue = queue
        self.processor = processor
        self.fanOut = fanOut
        self.settings = settings
        self.health = health
        self.onEvent = onEvent
    }

    /// What ended one of the worker's tasks.
    private enum Ended: Sendable {
        case slot(WorkerReport)
        case gracePeriod
        case heartbeat
    }

    /// Runs until `stop` is requested (or, when draining, until nothing is due), then returns what it did. Throws a
    /// queue error that is not an outage, or ``WorkerError/queueUnavailable(for:reason:)``.
    public func run(until stop: StopRequest) async throws -> WorkerReport {
        let inFlight = InFlightClaims()
        let calls = QueueCalls(queue: queue, health: health, settings: settings, stop: stop)
        return try await withThrowingTaskGroup(of: Ended.self) { group in
            for _ in 0..<settings.concurrency {
                group.addTask { .slot(try await runSlot(inFlight: inFlight, calls: calls, stop: stop)) }
            }
            group.addTask {
                try await beatHearts(of: inFlight, calls: calls)
                return .heartbeat
            }
            group.addTask {
                // The grace period starts with the stop; when it is over, the slots still busy are cancelled.
                await stop.wait()
                try? await Task.sleep(for: settings.grace)
                return .gracePeriod
            }
            var report = WorkerReport()
            var slotsLeft = settings.concurrency
            while slotsLeft > 0, let ended = try await group.next() {
                switch ended {
                case let .slot(slotReport):
                    report.add(slotReport)
                    slotsLeft -= 1
                case .gracePeriod:
                    group.cancelAll()
                case .heartbeat:
                    break
                }
            }
            group.cancelAll()
            return report
        }
    }

    private func runSlot(inFlight: InFlightClaims, calls: QueueCalls, stop: StopRequest) async throws -> WorkerReport {
        var report = WorkerReport()
        // The claim a completion brought along (completeAndClaim), to process next.
        var next: ClaimedRequest?
        while !Task.isCancelled {
            let claim: ClaimedRequest
            if let claimed = next {
                claim = claimed
                next = nil
            } else {
                guard !stop.isRequested else { break }
                let (id, limit, lease) = (settings.id, 1, settings.lease)
                guard let claimed = try await calls.run(.untilStopRequested, { queue in
                    try await queue.claim(worker: id, limit: limit, lease: lease)
                }) else { break }
                guard let first = claimed.first else {
                    if settings.drain { break }
                    try await queue.waitForWork(timeout: settings.idlePoll)
                    continue
                }
                claim = first
            }
            let deadline = ContinuousClock.now + settings.deliveryTimeout
            inFlight.add(claim, deadline: deadline)
            let result = await deliver(claim, deadline: deadline)
            let held = inFlight.remove(claim) ?? claim
            // Settling must happen even when the slot was cancelled meanwhile (the queue's calls would refuse to run
            // in a cancelled task): it runs in a task of its own.
            let cancelled = Task.isCancelled || result == nil
            let claimNext = result == .done && !cancelled && !stop.isRequested
            let (kind, claimed) = try await Task {
                claimNext
                    ? try await complete(held, claimingNext: true, calls: calls)
                    : (try await settle(held, result: result ?? .done, cancelled: cancelled, calls: calls), nil)
            }.value
            report.add(record(held, kind))
            next = claimed
        }
        if let unprocessed = next {
            // Cancelled with a claim it had not started: give it back now rather than let its lease run out.
            let kind = try await Task { try await settle(unprocessed, result: .done, cancelled: true, calls: calls) }.value
            report.add(record(unprocessed, kind))
        }
        return report
    }

    /// The processor's result, or nil when the slot was cancelled (the worker is stopping). A processor still busy a
    /// moment after the deadline is no longer waited for: the delivery is retried.
    private func deliver(_ claim: ClaimedRequest, deadline: ContinuousClock.Instant) async -> ProcessingResult? {
        let processor = processor
        do {
            return try await withDeadline(deadline + Self.deadlineSlack, "no result within the delivery's deadline") {
                await processor.process(claim, deadline: deadline)
            }
        } catch let error as DeadlineExceeded {
            return .retry(error: "\(error) (\(settings.deliveryTimeout.secondsText))", retryAfter: nil)
        } catch {
            return nil
        }
    }

    /// How long after a delivery's deadline the worker still waits for its processor, which should have given up at
    /// the deadline itself and says why in its own words.
    static let deadlineSlack: Duration = .seconds(1)

    /// Completes a done claim with its fan-out; with `claimingNext`, also claims the slot's next request in the same
    /// turn (completeAndClaim: one round trip on a backend that can, PostgreSQL; two otherwise).
    private func complete(
        _ claim: ClaimedRequest, claimingNext: Bool, calls: QueueCalls
    ) async throws -> (WorkerEvent.Kind, ClaimedRequest?) {
        let followUps = fanOut?.followUps(after: claim.request) ?? []
        let completions = [Completion(claim, followUps: followUps)]
        let (id, lease) = (settings.id, settings.lease)
        guard let call = try await settling(claim, calls, { queue in
            claimingNext
                ? try await queue.completeAndClaim(completions, worker: id, limit: 1, lease: lease)
                : (try await queue.complete(completions), [])
        }) else { return (unsettled, nil) }
        let (completed, claimed) = call.value
        let done = completed.lost.isEmpty || call.answerMayHaveBeenLost
        return (done ? .done(followUps: followUps.count) : .leaseLost, claimed.first)
    }

    /// Settles a claim by its processor's result: given back when the slot was cancelled, else completed, retried
    /// or dead-lettered. A claim whose lease was lost meanwhile is someone else's: nothing is done with it.
    private func settle(
        _ claim: ClaimedRequest, result: ProcessingResult, cancelled: Bool, calls: QueueCalls
    ) async throws -> WorkerEvent.Kind {
        if cancelled {
            return try await settling(claim, calls, { try await $0.release(claim) })?.kind { _ in .released } ?? unsettled
        }
        switch result {
        case .done:
            return try await complete(claim, claimingNext: false, calls: calls).0
        case let .retry(error, retryAfter):
            return try await settling(claim, calls, { try await $0.fail(claim, error: error, retryAfter: retryAfter) })?
                .kind { $0 == .deadLettered ? .deadLettered(error: error) : .retried(error: error) } ?? unsettled
        case let .reject(error):
            return try await settling(claim, calls, { try await $0.deadLetter(claim, error: error) })?
                .kind { _ in .deadLettered(error: error) } ?? unsettled
        }
    }

    /// Runs one settling call for `claim` through an outage (nil: the queue stayed out of reach until the worker had
    /// to stop). A lost lease is a value here (``SettlingCall/leaseLost``), not an error.
    private func settling<T: Sendable>(
        _ claim: ClaimedRequest, _ calls: QueueCalls, _ operation: @escaping @Sendable (any TransferQueue) async throws -> T
    ) async throws -> SettlingCall<T>? {
        let attempts = AttemptCounter()
        let outcome: Result<T, TransferQueueError>? = try await calls.run(.untilGraceIsOver) { queue in
            attempts.increment()
            do {
                return .success(try await operation(queue))
            } catch let error as TransferQueueError {
                guard case .leaseLost = error else { throw error }
                return .failure(error)
            }
        }
        guard let outcome else { return nil }
        // A call tried again after a failure may find its claim gone because the failed attempt did commit and only
        // its answer was lost. While the claim's lease runs nobody else can have taken the request, so that was this
        // claim's own settlement.
        let answerMayHaveBeenLost = attempts.count > 1 && claim.leaseExpiresAt > Date()
        return SettlingCall(outcome: outcome, answerMayHaveBeenLost: answerMayHaveBeenLost)
    }

    /// A claim left unsettled, with the queue's latest failure.
    private var unsettled: WorkerEvent.Kind {
        guard case let .unavailable(outage) = health.state else { return .unsettled(error: "the queue was out of reach") }
        return .unsettled(error: outage.reason)
    }

    /// Reports a settled claim to the event handler and counts it.
    private func record(_ claim: ClaimedRequest, _ kind: WorkerEvent.Kind) -> WorkerReport {
        onEvent(WorkerEvent(claim: summary(claim), kind: kind))
        return WorkerReport(kind)
    }

    /// Renews the leases of the deliveries in flight whose deadline has not passed, every third of the lease. A beat
    /// that meets an outage is skipped (the next one tries again); the leases then run on, and a request whose lease
    /// expires meanwhile is rescued as after a crash.
    private func beatHearts(of inFlight: InFlightClaims, calls: QueueCalls) async throws {
        let lease = settings.lease
        while true {
            try? await Task.sleep(for: lease / 3)
            if Task.isCancelled { return }
            let claims = inFlight.renewable(at: .now, beat: lease / 3)
            guard !claims.isEmpty,
                let result = try await calls.run(.once, timeout: min(settings.queueCallTimeout, lease / 3), { queue in
                    try await queue.heartbeat(claims, lease: lease)
                })
            else { continue }
            inFlight.renew(result.renewed)
        }
    }

    private func summary(_ claim: ClaimedRequest) -> ClaimedRequestSummary {
        let request = claim.request
        return ClaimedRequestSummary(
            id: claim.id.description, attempt: claim.attempt,
            description: "\(request.subscription) \(request.scope) \(request.direction.rawValue) \(request.externalId)"
        )
    }
}

/// The outcome of one settling call (``TransferWorker``): its value, or a lost lease.
private struct SettlingCall<T: Sendable> {
    let outcome: Result<T, TransferQueueError>
    /// The call was tried again after a failure while the claim's lease still ran: a lost lease then means the
    /// failed attempt settled the claim.
    let answerMayHaveBeenLost: Bool

    /// The value; only for calls that report a lost claim in their value (complete), not by throwing.
    var value: T {
        guard case let .success(value) = outcome else { preconditionFailure("complete reports lost claims in its result") }
        return value
    }

    /// The event this call comes to: `settled`'s, or a lost lease.
    func kind(_ settled: (T?) -> WorkerEvent.Kind) -> WorkerEvent.Kind {
        switch outcome {
        case let .success(value): settled(value)
        case .failure: answerMayHaveBeenLost ? settled(nil) : .leaseLost
        }
    }
}

/// Counts a call's attempts, across the tasks that make them.
private final class AttemptCounter: Sendable {
    private let attempts = Mutex(0)
    var count: Int { attempts.withLock { $0 } }
    func increment() { attempts.withLock { $0 += 1 } }
}
