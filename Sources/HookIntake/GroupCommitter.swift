import HookQueue
import Synchronization

/// Commits concurrent hooks' records together: while one transaction is being written, records arriving meanwhile
/// wait and go in the next one, so a burst of hooks costs a few durable commits instead of one each (group commit).
/// A hook waits at most for the transaction in flight and its own; beyond `maxWaiting` waiting records the
/// committer refuses more (``IntakeOverloaded``) instead of letting the queue of waiting hooks grow without bound.
public final class GroupCommitter: Sendable {
    public struct Settings: Sendable {
        /// Records written in one transaction at most.
        public var maxBatch: Int
        /// Records waiting for a transaction at most; more are refused until the backlog clears.
        public var maxWaiting: Int
        /// How long a delivery id makes a redelivery a duplicate.
        public var deliveryWindow: Duration

        public init(maxBatch: Int = 256, maxWaiting: Int = 4096, deliveryWindow: Duration = .seconds(7 * 24 * 3600)) {
            self.maxBatch = maxBatch
            self.maxWaiting = maxWaiting
            self.deliveryWindow = deliveryWindow
        }
    }

    private struct Waiting {
        let record: IntakeRecord
        let continuation: CheckedContinuation<IntakeResult, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var writing = false
        var transactions = 0
    }

    private let store: any HookIntakeStore
    private let settings: Settings
    private let metrics: IntakeMetrics?
    private let state = Mutex(State())

    /// - Parameter metrics: where each transaction is counted with its size.
    public init(store: any HookIntakeStore, settings: Settings = Settings(), metrics: IntakeMetrics? = nil) {
        self.store = store
        self.settings = settings
        self.metrics = metrics
    }

    /// How many transactions were written so far (for the benchmark and tests: hooks per transaction).
    public var transactions: Int { state.withLock { $0.transactions } }

    /// Commits `record` with whatever else is waiting; returns once that transaction is durable.
    /// - Throws: ``IntakeOverloaded`` when too many records wait already; the store's error when the transaction failed
    ///   (nothing of the record was written).
    public func commit(_ record: IntakeRecord) async throws -> IntakeResult {
        try await withCheckedThrowingContinuation { continuation in
            let startWriting = state.withLock { state -> Bool? in
                guard state.waiting.count < settings.maxWaiting else { return nil }
                state.waiting.append(Waiting(record: record, continuation: continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            switch startWriting {
            case nil: continuation.resume(throwing: IntakeOverloaded(waiting: settings.maxWaiting))
            case true?: Task { await self.writeWhileWaiting() }
            case false?: break
            }
        }
    }

    /// Writes the waiting records, a batch per transaction, until none is left.
    private func writeWhileWaiting() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.waiting.prefix(settings.maxBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false } else { state.transactions += 1 }
                return batch
            }
            guard !batch.isEmpty else { return }
            metrics?.transaction(records: batch.count)
            do {
                let results = try await store.commit(batch.map(\.record), deliveryWindow: settings.deliveryWindow)
                guard results.count == batch.count else {
                    throw IntakeStoreMismatch(records: batch.count, results: results.count)
                }
                for (waiting, result) in zip(batch, results) { waiting.continuation.resume(returning: result) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}

/// Too many hooks wait for a commit: the sender should retry shortly.
public struct IntakeOverloaded: Error, Sendable, CustomStringConvertible {
    public let waiting: Int
    public var description: String { "\(waiting) hooks are already waiting for a commit" }
}

/// A store that returned another number of results than records: a bug in the store, never silently paired up.
struct IntakeStoreMismatch: Error, CustomStringConvertible {
    let records: Int
    let results: Int
    var description: String { "the queue database returned \(results) results for \(records) records" }
}
