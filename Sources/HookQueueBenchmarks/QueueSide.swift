import Foundation
import HookQueue
import HookQueueSQLite

/// The cases run through ``SQLiteTransferQueue``, with its default settings (WAL, synchronous=FULL).
enum QueueSide {
    /// Enqueues batches of `batch` distinct requests of `shape` for `seconds`.
    static func enqueue(
        folder: URL, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double
    ) async throws -> Rate {
        let queue = try SQLiteTransferQueue(folder: folder)
        try await expectInserted(queue.enqueue(BenchmarkRequests.batch(from: 0, count: batch, shape)), batch)  // warm-up
        var next = batch
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let rate = try await Rate.measure {
            while ContinuousClock.now < deadline {
                try await expectInserted(queue.enqueue(BenchmarkRequests.batch(from: next, count: batch, shape)), batch)
                next += batch
            }
            return next - batch
        }
        try await queue.close()
        return rate
    }

    /// Fills the queue with `items` requests, then times `workers` concurrent tasks on the one queue, each claiming
    /// `batch` at a time and completing them together, until it is empty.
    static func claimAndAck(folder: URL, items: Int, workers: Int, batch: Int) async throws -> Rate {
        let queue = try SQLiteTransferQueue(folder: folder)
        for start in stride(from: 0, to: items, by: 1000) {
            let count = min(1000, items - start)
            try await expectInserted(queue.enqueue(BenchmarkRequests.batch(from: start, count: count, .ordered)), count)
        }
        let rate = try await Rate.measure {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<workers {
                    group.addTask { try await drain(queue, worker: "worker-\(worker)", batch: batch) }
                }
                return try await group.reduce(0, +)
            }
        }
        try await queue.close()
        guard rate.items == items else { throw QueueBenchmarkFailure("drained \(rate.items) of \(items) requests") }
        return rate
    }

    private static func drain(_ queue: SQLiteTransferQueue, worker: String, batch: Int) async throws -> Int {
        var taken = 0
        while true {
            let claims = try await queue.claim(worker: worker, limit: batch, lease: .seconds(300))
            if claims.isEmpty { return taken }
            let result = try await queue.complete(claims)
            guard result.lost.isEmpty else { throw QueueBenchmarkFailure("\(worker) lost \(result.lost.count) claims") }
            taken += claims.count
        }
    }

    private static func expectInserted(_ receipt: EnqueueReceipt, _ count: Int) throws {
        guard receipt.inserted == count else {
            throw QueueBenchmarkFailure("expected \(count) new requests, \(receipt.coalesced) coalesced")
        }
    }
}
