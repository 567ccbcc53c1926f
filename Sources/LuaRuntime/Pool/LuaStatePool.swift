#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A set of ``LuaState``s shared by many tasks. Creating a state and loading rules costs tens of microseconds,
/// a call into a warm one well under one: states are made once and lent out, one task at a time each.
///
/// When the ``LuaWatchdog`` finds a run still going past its deadline plus grace (a path that escaped every bound),
/// the pool retires that state: it is never lent again, and a fresh one made with `makeState` takes its place, so the
/// pool keeps serving as many hooks at once as before. The stuck run's caller gets a failure if the run ever returns.
public final class LuaStatePool: Sendable {
    private let makeState: @Sendable () throws(LuaError) -> LuaState
    private let shared: Mutex<Shared>

    /// A state and the lock that makes it one task's at a time; the lock also makes the non-Sendable C state safe to
    /// hand between threads.
    private final class Worker: Sendable {
        let state: Mutex<LuaState>
        let retired = Atomic<Bool>(false)

        init(_ state: consuming sending LuaState) {
            self.state = Mutex(state)
        }
    }

    private struct Shared {
        var free: [Worker] = []
        var waiting: [CheckedContinuation<Worker, Never>] = []
        var serving = 0
        var retired = 0
        var failedReplacements: [LuaError] = []
    }

    /// One state per core unless told otherwise.
    public static var defaultSize: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Makes `size` states with `makeState` (which typically loads the rule scripts). The pool keeps `makeState` to
    /// replace a state the watchdog retires.
    public init(
        size: Int = LuaStatePool.defaultSize, makeState: @escaping @Sendable () throws(LuaError) -> LuaState
    ) throws(LuaError) {
        precondition(size > 0, "a pool needs at least one state")
        self.makeState = makeState
        shared = Mutex(Shared())
        var workers: [Worker] = []
        for _ in 0..<size {
            workers.append(try makeWorker())
        }
        shared.withLock {
            $0.free = workers
            $0.serving = workers.count
        }
    }

    /// States lent out or ready to be: retired ones are not counted.
    public var size: Int { shared.withLock { $0.serving } }

    /// States the watchdog retired (each replaced by a fresh one).
    public var retiredStates: Int { shared.withLock { $0.retired } }

    /// Why a retired state could not be replaced, if that ever happened (the pool then serves with fewer states).
    public var failedReplacements: [LuaError] { shared.withLock { $0.failedReplacements } }

    /// Lends a state to `body`, waiting for one to be free.
    public func withState<Result: Sendable, Failure: Error>(
        _ body: (inout LuaState) throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let worker = await acquire()
        defer { release(worker) }
        return try worker.state.withLock { (state) throws(Failure) -> Result in try body(&state) }
    }

    private func makeWorker() throws(LuaError) -> Worker {
        let worker = Worker(try makeState())
        worker.state.withLock { state in
            state.onOverstay { [weak self, weak worker] in
                guard let self, let worker else { return }
                self.retire(worker)
            }
        }
        return worker
    }

    /// The watchdog found `worker`'s run overstaying: never lend it again, and serve with a fresh state instead.
    private func retire(_ worker: Worker) {
        guard !worker.retired.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let replacement = Result { () throws(LuaError) in try makeWorker() }
        let next: (CheckedContinuation<Worker, Never>, Worker)? = shared.withLock {
            // A run that ended just before the watchdog looked may have put its worker back already.
            $0.free.removeAll { $0 === worker }
            $0.retired += 1
            $0.serving -= 1
            switch replacement {
            case .failure(let error):
                $0.failedReplacements.append(error)
                return nil
            case .success(let fresh):
                $0.serving += 1
                if $0.waiting.isEmpty {
                    $0.free.append(fresh)
                    return nil
                }
                return ($0.waiting.removeFirst(), fresh)
            }
        }
        if let (continuation, fresh) = next { continuation.resume(returning: fresh) }
    }

    private func acquire() async -> Worker {
        if let worker = shared.withLock({ $0.free.popLast() }) {
            return worker
        }
        return await withCheckedContinuation { continuation in
            let worker: Worker? = shared.withLock {
                if let worker = $0.free.popLast() { return worker }
                $0.waiting.append(continuation)
                return nil
            }
            if let worker {
                continuation.resume(returning: worker)
            }
        }
    }

    private func release(_ worker: Worker) {
        guard !worker.retired.load(ordering: .acquiring) else { return }
        let next: CheckedContinuation<Worker, Never>? = shared.withLock {
            if $0.waiting.isEmpty {
                $0.free.append(worker)
                return nil
            }
            return $0.waiting.removeFirst()
        }
        next?.resume(returning: worker)
    }
}
