import HookQueue
import Synchronization
import Testing

/// A fresh queue on fresh storage with a test clock, for one contract test.
final class QueueHarness: Sendable {
    let store: any QueueStore
    let clock: TestClock
    let policy: RetryPolicy
    let queue: any TransferQueue
    private let handles: Mutex<[any TransferQueue]>

    private init(store: any QueueStore, clock: TestClock, policy: RetryPolicy, queue: any TransferQueue) {
        self.store = store
        self.clock = clock
        self.policy = policy
        self.queue = queue
        handles = Mutex([queue])
    }

    /// Another handle on the same storage with the same clock and policy; closed when the test ends.
    func openAnother() async throws -> any TransferQueue {
        let handle = try await store.open(clock: clock, policy: policy)
        handles.withLock { $0.append(handle) }
        return handle
    }

    /// Claims up to `limit` requests for `worker` under a 60 s lease.
    func claim(_ worker: String = "w", limit: Int = 10) async throws -> [ClaimedRequest] {
        try await queue.claim(worker: worker, limit: limit, lease: .seconds(60))
    }

    /// Claims one request for `worker` under a 60 s lease; the test fails when there is none.
    func claimOne(_ worker: String = "w", sourceLocation: SourceLocation = #_sourceLocation) async throws -> ClaimedRequest {
        try #require(try await claim(worker, limit: 1).first, "nothing to claim", sourceLocation: sourceLocation)
    }

    /// Runs `body` on a fresh queue of `backend`, then closes every handle and removes the storage.
    static func with(
        _ backend: QueueBackend, policy: RetryPolicy = .standard, _ body: (QueueHarness) async throws -> Void
    ) async throws {
        let store = try await backend.makeStore()
        let clock = TestClock()
        let harness = QueueHarness(
            store: store, clock: clock, policy: policy, queue: try await store.open(clock: clock, policy: policy)
        )
        let outcome: Result<Void, any Error>
        do {
            try await body(harness)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        for handle in harness.handles.withLock({ $0 }) { try await handle.close() }
        try await store.remove()
        try outcome.get()
    }
}
