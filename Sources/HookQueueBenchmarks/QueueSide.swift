import Foundation
import HookQueue

/// The cases run through a ``TransferQueue`` with its default settings, whatever backend it is: the caller opens it
/// on fresh storage and closes it afterwards.
enum QueueSide {
    /// Enqueues batches of `batch` distinct requests of `shape` for `seconds`.
    static func enqueue(
        _ queue: any TransferQueue, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double
    ) async throws -> Rate {
        try await Rate.batches(of: batch, for: seconds) { first in
            try await expectInserted(queue.enqueue(BenchmarkRequests.batch(from: first, count: batch, shape)), batch)
        }
    }

    /// Fills the queue with `items` requests, then times `workers` concurrent tasks on the one queue, each claiming
    /// `batch` at a time and completing them together, until it is empty. Each task claims under a worker id of its own,
    /// or with `oneWorker` all under one, as the slots of one `hookrules work` process do.
    static func claimAndAck(
        _ queue: any TransferQueue, items: Int, workers: Int, batch: Int, oneWorker: Bool
    ) async throws -> Rate {
        for start in stride(from: 0, to: items, by: 1000) {
            let count = min(1000, items - start)
            try await expectInserted(queue.enqueue(BenchmarkRequests.batch(from: start, count: count, .ordered)), count)
        }
        // The workers' first turns together, before the clock: a pool opens connections as they are first needed, and
        // the reference's workers connect before its clock starts too.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers { group.addTask { _ = try await queue.stats() } }
            try await group.waitForAll()
        }
        let rate = try await Rate.measure {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<workers {
                    group.addTask { try await drain(queue, worker: oneWorker ? "worker" : "worker-\(worker)", batch: batch) }
                }
                return try await group.reduce(0, +)
            }
        }
        guard rate.items == items else { throw QueueBenchmarkFailure("drained \(rate.items) of \(items) requests") }
        return rate
    }

    /// A worker's loop: each turn completes the batch it holds and claims the next (``TransferQueue/completeAndClaim(_:worker:limit:lease:)``).
    private static func drain(_ queue: any TransferQueue, worker: String, batch: Int) async throws -> Int {
        var taken = 0
        var held: [ClaimedRequest] = []
        repeat {
            let (completed, claimed) = try await queue.completeAndClaim(
                held.map { Completion($0) }, worker: worker, limit: batch, lease: .seconds(300))
            guard completed.lost.isEmpty else { throw QueueBenchmarkFailure("\(worker) lost \(completed.lost.count) claims") }
            held = claimed
            taken += claimed.count
        } while !held.isEmpty
        return taken
    }

    private static func expectInserted(_ receipt: EnqueueReceipt, _ count: Int) throws {
        guard receipt.inserted == count else {
            throw QueueBenchmarkFailure("expected \(count) new requests, \(receipt.coalesced) coalesced")
        }
    }
}
