import HookQueue
import Synchronization

/// Lets one worker's callers on a handle share claim rounds: a single statement, round trip and commit for several of
/// their turns, as group commit shares one flush among transactions. "One worker" is one worker name and lease: the
/// slots of a `hookrules work` process, which all claim under the process's worker id. Callers with another name or
/// lease never wait for these.
///
/// Up to ``maxRunning`` rounds of a worker run at once, each caller's at once; a caller arriving while that many run
/// waits, and when one ends, the first waiting caller runs one round for every caller waiting then, and the rest
/// receive their parts. Two at once rather than one: each round waits for its commit's WAL flush, and while one
/// waits the next can already run, so callers claiming one request at a time (as `hookrules work` slots do) get
/// more turns from two than from one (docs/queue.md, "Shared claim rounds"). A caller alone never waits.
///
/// When a shared round fails, only the caller that ran it sees the error; the others run their parts again, so every
/// error a caller sees comes from a statement that carried its own part (and a caller is never handed the
/// cancellation of another's task).
final class ClaimRoundCombiner: Sendable {
    private struct Waiting: Sendable {
        let part: ClaimRoundPart
        let ticket: Ticket
        let continuation: CheckedContinuation<Turn, Never>
    }

    /// Tells one wait from another, so a cancelled caller can leave the line.
    private final class Ticket: Sendable {}

    /// What a waiting caller is woken with.
    private enum Turn: Sendable {
        case done(ClaimRound)
        case run
        case retry
    }

    /// One worker's callers: how many rounds of theirs are running, and who waits for the next.
    private struct Worker {
        var running = 0
        var waiting: [Waiting] = []
    }

    private struct State {
        /// Only workers with a round running; removed when their last round ends.
        var workers: [ClaimRoundPart.Worker: Worker] = [:]
        var sharedRounds = 0
    }

    private let state = Mutex(State())
    /// How many rounds of one worker may run at once.
    let maxRunning: Int

    init(maxRunning: Int = 2) {
        self.maxRunning = maxRunning
    }

    /// How many rounds so far carried more than one caller's part.
    var sharedRounds: Int { state.withLock(\.sharedRounds) }

    /// How many callers wait for a round now.
    var waitingCallers: Int { state.withLock { $0.workers.values.reduce(0) { $0 + $1.waiting.count } } }

    /// Runs `part` in a round of its own or shared with other callers' parts of the same worker; `execute` runs one
    /// round for several parts (all of one worker) and returns each part's result, in the order of the parts.
    func run(
        _ part: ClaimRoundPart, execute: ([ClaimRoundPart]) async throws -> [ClaimRound]
    ) async throws -> ClaimRound {
        while true {
            try Task.checkCancellation()
            let ticket = Ticket()
            let turn: Turn = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let runNow = state.withLock { state in
                        // In place: a `default:` subscript mutates the stored value without copying its array.
                        if state.workers[part.worker]?.running ?? 0 >= maxRunning {
                            state.workers[part.worker, default: Worker()].waiting.append(
                                Waiting(part: part, ticket: ticket, continuation: continuation))
                            return false
                        }
                        state.workers[part.worker, default: Worker()].running += 1
                        return true
                    }
                    if runNow { continuation.resume(returning: .run) }
                }
            } onCancel: {
                leave(ticket, of: part.worker)
            }
            switch turn {
            case let .done(round):
                return round
            case .retry:
                continue
            case .run:
                return try await runRound(leading: part, execute: execute)
            }
        }
    }

    /// Runs one round for `part` and every caller of its worker waiting now, then wakes the next of them to run the
    /// next round.
    ///
    /// A leader whose task is cancelled (its caller gave up waiting: a timeout in an outage) hands its turn over at
    /// once, even while its statement is still out: a statement that never answers must not keep the worker's other
    /// callers waiting for good.
    private func runRound(
        leading part: ClaimRoundPart, execute: ([ClaimRoundPart]) async throws -> [ClaimRound]
    ) async throws -> ClaimRound {
        let others = state.withLock { state in
            guard let waiting = state.workers[part.worker]?.waiting, !waiting.isEmpty else { return [Waiting]() }
            state.workers[part.worker]?.waiting = []
            state.sharedRounds += 1
            return waiting
        }
        let handedOver = Mutex(false)
        let handOverOnce = { @Sendable [self] in
            if handedOver.withLock({ done in defer { done = true }; return !done }) { handOver(part.worker) }
        }
        defer { handOverOnce() }
        return try await withTaskCancellationHandler {
            do {
                let rounds = try await execute([part] + others.map(\.part))
                precondition(rounds.count == others.count + 1, "a claim round returned \(rounds.count) results for \(others.count + 1) parts")
                for (waiting, round) in zip(others, rounds.dropFirst()) { waiting.continuation.resume(returning: .done(round)) }
                return rounds[0]
            } catch {
                for waiting in others { waiting.continuation.resume(returning: .retry) }
                throw error
            }
        } onCancel: {
            handOverOnce()
        }
    }

    /// Takes a cancelled caller out of the waiting line, if it is still in it (a round may have taken it already).
    private func leave(_ ticket: Ticket, of worker: ClaimRoundPart.Worker) {
        let left = state.withLock { state -> Waiting? in
            guard let index = state.workers[worker]?.waiting.firstIndex(where: { $0.ticket === ticket }) else { return nil }
            return state.workers[worker]?.waiting.remove(at: index)
        }
        left?.continuation.resume(returning: .retry)
    }

    /// Wakes the first caller of `worker` still waiting to run the next round, or forgets the worker.
    private func handOver(_ worker: ClaimRoundPart.Worker) {
        let next = state.withLock { state -> Waiting? in
            guard let waiting = state.workers[worker]?.waiting, !waiting.isEmpty else {
                state.workers[worker]?.running -= 1
                if state.workers[worker]?.running == 0 { state.workers[worker] = nil }
                return nil
            }
            return state.workers[worker]?.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .run)
    }
}

/// One caller's part of a claim round: the claims it completes, how many rows it claims, and for which worker.
struct ClaimRoundPart: Sendable {
    /// Who claims: the rows' worker name and how long their lease runs. Only parts of one worker share a round.
    struct Worker: Hashable, Sendable {
        let name: String
        let lease: Duration
    }

    /// The claims to complete (a fence is all a round needs of them).
    let completing: [ClaimFence]
    let worker: Worker
    let limit: Int

    init(completing: [ClaimFence], worker: String, limit: Int, lease: Duration) {
        self.completing = completing
        self.worker = Worker(name: worker, lease: lease)
        self.limit = limit
    }
}
