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
    private let core: Core

    /// One state per core unless told otherwise.
    public static var defaultSize: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Makes `size` states with `makeState` (which typically loads the rule scripts). The pool keeps `makeState` to
    /// replace a state the watchdog retires.
    public init(
        size: Int = LuaStatePool.defaultSize, makeState: @escaping @Sendable () throws(LuaError) -> LuaState
    ) throws(LuaError) {
        precondition(size > 0, "a pool needs at least one state")
        core = Core(makeState: makeState)
        try core.fill(size)
    }

    deinit {
        core.detach()
    }

    /// States lent out or ready to be: retired ones are not counted.
    public var size: Int { core.shared.withLock { $0.serving } }

    /// States the watchdog retired (each replaced by a fresh one).
    public var retiredStates: Int { core.shared.withLock { $0.retired } }

    /// Why a retired state could not be replaced, if that ever happened (the pool then serves with fewer states).
    public var failedReplacements: [LuaError] { core.shared.withLock { $0.failedReplacements } }

    /// Lends a state to `body`, waiting for one to be free.
    public func withState<Result: Sendable, Failure: Error>(
        _ body: (inout LuaState) throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let worker = await core.acquire()
        defer { core.release(worker) }
        return try worker.state.withLock { (state) throws(Failure) -> Result in try body(&state) }
    }
}

/// A state and the lock that makes it one task's at a time; the lock also makes the non-Sendable C state safe to
/// hand between threads.
private final class Worker: Sendable {
    let state: Mutex<LuaState>
    /// The state's watch, reachable without its lock (which a stuck run holds).
    let watch: RunWatch
    let retired = Atomic<Bool>(false)

    init(_ state: consuming sending LuaState) {
        watch = state.runWatch
        self.state = Mutex(state)
    }
}

/// The pool's workings, apart from the pool object so that the watchdog's handlers (held by the states' watches)
/// can reach them by strong references: the pool's `deinit` detaches the handlers, so nothing keeps a dropped pool
/// alive, and no reference is weak (a weak reference moves an object's reference count to a side table, which made
/// every lend of a worker slower).
private final class Core: Sendable {
    let makeState: @Sendable () throws(LuaError) -> LuaState
    let shared = Mutex(Shared())

    struct Shared {
        var all: [Worker] = []
        var free: [Worker] = []
        var waiting: [CheckedContinuation<Worker, Never>] = []
        var serving = 0
        var retired = 0
        var failedReplacements: [LuaError] = []
        var detached = false
    }

    init(makeState: @escaping @Sendable () throws(LuaError) -> LuaState) {
        self.makeState = makeState
    }

    func fill(_ size: Int) throws(LuaError) {
        var workers: [Worker] = []
        for _ in 0..<size {
            workers.append(try makeWorker())
        }
        shared.withLock {
            $0.all = workers
            $0.free = workers
            $0.serving = workers.count
        }
    }

    private func makeWorker() throws(LuaError) -> Worker {
        let worker = Worker(try makeState())
        worker.watch.onOverstay.withLock { $0 = { [self, worker] in retire(worker) } }
        return worker
    }

    /// Breaks the references from the workers' watches back to this core.
    func detach() {
        let workers = shared.withLock {
            $0.detached = true
            return $0.all
        }
        for worker in workers { worker.watch.onOverstay.withLock { $0 = nil } }
    }

    /// The watchdog found `worker`'s run overstaying: never lend it again, and serve with a fresh state instead.
    private func retire(_ worker: Worker) {
        guard !worker.retired.exchange(true, ordering: .acquiringAndReleasing) else { return }
        worker.watch.onOverstay.withLock { $0 = nil }
        let replacement = Result { () throws(LuaError) in try makeWorker() }
        let next: (CheckedContinuation<Worker, Never>, Worker)? = shared.withLock {
            // A run that ended just before the watchdog looked may have put its worker back already.
            $0.free.removeAll { $0 === worker }
            $0.all.removeAll { $0 === worker }
            $0.retired += 1
            $0.serving -= 1
            switch replacement {
            case .failure(let error):
                $0.failedReplacements.append(error)
                return nil
            case .success(let fresh):
                $0.serving += 1
                $0.all.append(fresh)
                if $0.detached { fresh.watch.onOverstay.withLock { $0 = nil } }
                if $0.waiting.isEmpty {
                    $0.free.append(fresh)
                    return nil
                }
                return ($0.waiting.removeFirst(), fresh)
            }
        }
        if let (continuation, fresh) = next { continuation.resume(returning: fresh) }
    }

    func acquire() async -> Worker {
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

    func release(_ worker: Worker) {
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
