#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A fixed set of ``LuaState``s shared by many tasks. Creating a state and loading rules costs tens of microseconds,
/// a call into a warm one well under one: states are made once and lent out, one task at a time each.
public final class LuaStatePool: Sendable {
    private let workers: [Worker]
    private let availability: Mutex<Availability>

    /// A state and the lock that makes it one task's at a time; the lock also makes the non-Sendable C state safe to
    /// hand between threads.
    private final class Worker: Sendable {
        let state: Mutex<LuaState>
        init(_ state: consuming sending LuaState) {
            self.state = Mutex(state)
        }
    }

    private struct Availability {
        var free: [Int]
        var waiting: [CheckedContinuation<Int, Never>] = []
    }

    /// One state per core unless told otherwise.
    public static var defaultSize: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Makes `size` states with `makeState` (which typically loads the rule scripts).
    public init(size: Int = LuaStatePool.defaultSize, makeState: () throws(LuaError) -> LuaState) throws(LuaError) {
        precondition(size > 0, "a pool needs at least one state")
        var workers: [Worker] = []
        for _ in 0..<size {
            workers.append(Worker(try makeState()))
        }
        self.workers = workers
        availability = Mutex(Availability(free: Array(workers.indices)))
    }

    public var size: Int { workers.count }

    /// Lends a state to `body`, waiting for one to be free.
    public func withState<Result: Sendable, Failure: Error>(
        _ body: (inout LuaState) throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let index = await acquire()
        defer { release(index) }
        return try workers[index].state.withLock { (state) throws(Failure) -> Result in try body(&state) }
    }

    private func acquire() async -> Int {
        if let index = availability.withLock({ $0.free.popLast() }) {
            return index
        }
        return await withCheckedContinuation { continuation in
            let index: Int? = availability.withLock {
                if let index = $0.free.popLast() { return index }
                $0.waiting.append(continuation)
                return nil
            }
            if let index {
                continuation.resume(returning: index)
            }
        }
    }

    private func release(_ index: Int) {
        let next: CheckedContinuation<Int, Never>? = availability.withLock {
            if $0.waiting.isEmpty {
                $0.free.append(index)
                return nil
            }
            return $0.waiting.removeFirst()
        }
        next?.resume(returning: index)
    }
}
