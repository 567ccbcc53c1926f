import HookQueue
import Synchronization

/// The claims a worker's slots are processing, each with its delivery's deadline and its latest lease (a heartbeat
/// renews them; settling needs the claim as held, though only id and attempt fence it).
final class InFlightClaims: Sendable {
    private struct Delivery {
        var claim: ClaimedRequest
        let deadline: ContinuousClock.Instant
    }

    private let deliveries = Mutex<[QueueItemID: Delivery]>([:])

    func add(_ claim: ClaimedRequest, deadline: ContinuousClock.Instant) {
        deliveries.withLock { $0[claim.id] = Delivery(claim: claim, deadline: deadline) }
    }

    func remove(_ claim: ClaimedRequest) -> ClaimedRequest? {
        deliveries.withLock { $0.removeValue(forKey: claim.id)?.claim }
    }

    /// The claims whose delivery is still within its deadline a beat from `now`: a delivery past it is failed and
    /// retried, so its lease must not be extended (a target that stalls would otherwise keep the request claimed for
    /// ever). A renewal reaches the queue a moment after this choice, so a claim due within `beat` is left out; its
    /// lease, renewed at most one beat ago, still covers it to its deadline (a beat is a third of the lease).
    func renewable(at now: ContinuousClock.Instant, beat: Duration) -> [ClaimedRequest] {
        deliveries.withLock { $0.values.filter { $0.deadline > now + beat }.map(\.claim) }
    }

    func renew(_ renewed: [ClaimedRequest]) {
        deliveries.withLock { deliveries in
            for claim in renewed where deliveries[claim.id]?.claim.attempt == claim.attempt {
                deliveries[claim.id]?.claim = claim
            }
        }
    }
}
