import Foundation
import Synchronization

/// The same cases in plain SQL through the SQLite C API (``RawReference``), on the same kind of file.
enum ReferenceSide {
    /// Inserts batches of `batch` rows of `shape`, one transaction each, for `seconds`.
    static func enqueue(
        path: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double
    ) async throws -> Rate {
        let reference = try RawReference(path: path)
        return try await Rate.batches(of: batch, for: seconds) { first in
            try reference.insert(first: first, count: batch, shape)
        }
    }

    /// Fills the table with `items` rows, then times `workers` threads, each with its own connection (as separate
    /// worker processes would have), running the claim/delete loop until the table is empty.
    static func claimAndDelete(path: String, items: Int, workers: Int, batch: Int) async throws -> Rate {
        let filler = try RawReference(path: path)
        for start in stride(from: 0, to: items, by: 1000) {
            try filler.insert(first: start, count: min(1000, items - start), .ordered)
        }
        let rate = try await Rate.measure {
            try ThreadRun(count: workers) { worker in
                try RawReference(path: path).drain(worker: "worker-\(worker)", batch: batch)
            }.results().reduce(0, +)
        }
        guard rate.items == items else { throw QueueBenchmarkFailure("drained \(rate.items) of \(items) rows") }
        return rate
    }
}

/// Runs `body` on `count` threads of its own at once (not a pool sized to the cores) and collects the results.
final class ThreadRun: Sendable {
    private let slots: Mutex<[Result<Int, any Error>?]>
    private let done = DispatchGroup()

    init(count: Int, _ body: @escaping @Sendable (Int) throws -> Int) {
        slots = Mutex(Array(repeating: nil, count: count))
        for index in 0..<count {
            done.enter()
            Thread { [self] in
                let result = Result { try body(index) }
                slots.withLock { $0[index] = result }
                done.leave()
            }.start()
        }
    }

    /// Waits for every thread; rethrows the first error.
    func results() throws -> [Int] {
        done.wait()
        return try slots.withLock { $0 }.map { try $0!.get() }
    }
}
