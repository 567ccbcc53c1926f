import HookQueue
import HookModel
import Synchronization

/// Drains the queue: claims requests, hands each to a ``TransferProcessor``, settles it by the result, and
/// enqueues the outbound fan-out of completed incoming requests in the same transaction.
///
/// `concurrency` slots each claim one request at a time, so a slow request never holds up claimed ones behind
/// it. One heartbeat task renews the leases of every request in flight every third of the lease. On a stop, slots
/// claim nothing more; requests still in flight after the grace period are cancelled and released (pending
/// again, the attempt not counted).
public struct TransferWorker: Sendable {
    public let queue: any TransferQueue
    public let processor: any TransferProcessor
    public let fanOut: OutboundFanOut?
    public let settings: WorkerSettings
    private let onEvent: @Sendable (WorkerEvent) -> Void

    public init(
        queue: any TransferQueue, processor: any TransferProcessor, fanOut: OutboundFanOut?, settings: WorkerSettings,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in }
    ) {
        self.queue = queue
        self.processor = processor
        self.fanOut = fanOut
        self.settings = settings
        self.onEvent = onEvent
    }

    /// Runs until `stop` is requested (or, when draining, until nothing is due), then returns what it did.
    public func run(until stop: StopRequest) async throws -> WorkerReport {
        let inFlight = InFlightClaims()
        let heartbeat = Task { try await beatHearts(of: inFlight) }
        defer { heartbeat.cancel() }
        return try await withThrowingTaskGroup(of: WorkerReport?.self) { group in
            for slot in 0..<settings.concurrency {
                group.addTask { try await runSlot(slot, inFlight: inFlight, stop: stop) }
            }
            group.addTask {
                // The grace period starts with the stop; when it is over, the slots still busy are cancelled.
                await stop.wait()
                try? await Task.sleep(for: settings.grace)
                return nil
            }
            var report = WorkerReport()
            var slotsLeft = settings.concurrency
            while slotsLeft > 0, let result = try await group.next() {
                if let slotReport = result {
                    report.add(slotReport)
                    slotsLeft -= 1
                } else {
                    group.cancelAll()
                }
            }
            group.cancelAll()
            return report
        }
    }

    private func runSlot(_ slot: Int, inFlight: InFlightClaims, stop: StopRequest) async throws -> WorkerReport {
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
                guard let claimed = try await queue.claim(worker: settings.id, limit: 1, lease: settings.lease).first else {
                    if settings.drain { break }
                    try await queue.waitForWork(timeout: settings.idlePoll)
                    continue
                }
                claim = claimed
                inFlight.add(claim)
            }
            let result = await processor.process(claim)
            let held = inFlight.remove(claim) ?? claim
            // Settling must happen even when the slot was cancelled meanwhile (the queue's calls would refuse to run
            // in a cancelled task): it runs in a task of its own.
            let cancelled = Task.isCancelled
            let claimNext = result == .done && !cancelled && !stop.isRequested
            let (kind, claimed) = try await Task {
                claimNext
                    ? try await complete(held, claimingNext: true, inFlight: inFlight)
                    : (try await settle(held, result: result, cancelled: cancelled, inFlight: inFlight), nil)
            }.value
            report.add(record(held, kind))
            next = claimed
        }
        if let unprocessed = next {
            // Cancelled with a claim it had not started: give it back now rather than let its lease run out.
            _ = inFlight.remove(unprocessed)
            let kind = try await Task { try await settle(unprocessed, result: .done, cancelled: true, inFlight: inFlight) }.value
            report.add(record(unprocessed, kind))
        }
        return report
    }

    /// Completes a done claim with its fan-out; with `claimingNext`, also claims the slot's next request in the same
    /// turn (completeAndClaim: one round trip on a backend that can, PostgreSQL; two otherwise).
    private func complete(
        _ claim: ClaimedRequest, claimingNext: Bool, inFlight: InFlightClaims
    ) async throws -> (WorkerEvent.Kind, ClaimedRequest?) {
        let followUps = fanOut?.followUps(after: claim.request) ?? []
        let completions = [Completion(claim, followUps: followUps)]
        let (completed, claimed) = claimingNext
            ? try await queue.completeAndClaim(completions, worker: settings.id, limit: 1, lease: settings.lease)
            : (try await queue.complete(completions), [])
        if let next = claimed.first { inFlight.add(next) }
        return (completed.lost.isEmpty ? .done(followUps: followUps.count) : .leaseLost, claimed.first)
    }

    /// Settles a claim by its processor's result: given back when the slot was cancelled, else completed, retried
    /// or dead-lettered. A claim whose lease was lost meanwhile is someone else's: nothing is done with it.
    private func settle(
        _ claim: ClaimedRequest, result: ProcessingResult, cancelled: Bool, inFlight: InFlightClaims
    ) async throws -> WorkerEvent.Kind {
        do {
            if cancelled {
                try await queue.release(claim)
                return .released
            }
            switch result {
            case .done:
                return try await complete(claim, claimingNext: false, inFlight: inFlight).0
            case let .retry(error, retryAfter):
                let outcome = try await queue.fail(claim, error: error, retryAfter: retryAfter)
                return outcome == .deadLettered ? .deadLettered(error: error) : .retried(error: error)
            case let .reject(error):
                try await queue.deadLetter(claim, error: error)
                return .deadLettered(error: error)
            }
        } catch TransferQueueError.leaseLost {
            return .leaseLost
        }
    }

    /// Reports a settled claim to the event handler and counts it.
    private func record(_ claim: ClaimedRequest, _ kind: WorkerEvent.Kind) -> WorkerReport {
        onEvent(WorkerEvent(claim: summary(claim), kind: kind))
        return WorkerReport(kind)
    }

    private func beatHearts(of inFlight: InFlightClaims) async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: settings.lease / 3)
            let claims = inFlight.all
            guard !claims.isEmpty else { continue }
            let result = try await queue.heartbeat(claims, lease: settings.lease)
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

/// The claims a worker's slots are processing, with their latest lease (a heartbeat renews them; settling needs
/// the claim as held, though only id and attempt fence it).
final class InFlightClaims: Sendable {
    private let claims = Mutex<[QueueItemID: ClaimedRequest]>([:])

    var all: [ClaimedRequest] { claims.withLock { Array($0.values) } }

    func add(_ claim: ClaimedRequest) {
        claims.withLock { $0[claim.id] = claim }
    }

    func remove(_ claim: ClaimedRequest) -> ClaimedRequest? {
        claims.withLock { $0.removeValue(forKey: claim.id) }
    }

    func renew(_ renewed: [ClaimedRequest]) {
        claims.withLock { claims in
            for claim in renewed where claims[claim.id]?.attempt == claim.attempt { claims[claim.id] = claim }
        }
    }
}
