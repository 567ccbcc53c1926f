import Foundation
import GRDBSQLite
import HookQueueSQLite

/// The SQLite cases: ``SQLiteTransferQueue`` beside plain SQL through the C API (``ReferenceSide``), each case on
/// files of its own under one folder.
struct SQLiteBenchmark: BenchmarkBackend {
    let root: URL

    init(folder: URL) throws {
        root = folder.appendingPathComponent("hookrules-queue-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    var summary: String {
        "SQLite \(String(cString: sqlite3_libversion())), WAL, synchronous=FULL, BEGIN IMMEDIATE; files in \(root.path)"
    }

    let notes = "queue workers are tasks sharing one SQLiteTransferQueue; raw workers are threads with a connection each"

    func queueEnqueue(storage: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double) async throws -> Rate {
        let queue = try SQLiteTransferQueue(folder: root.appendingPathComponent("queue-\(storage)"))
        let rate = try await QueueSide.enqueue(queue, batch: batch, shape: shape, seconds: seconds)
        try await queue.close()
        return rate
    }

    func rawEnqueue(storage: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double) async throws -> Rate {
        try await ReferenceSide.enqueue(path: rawPath(storage), batch: batch, shape: shape, seconds: seconds)
    }

    func queueClaimAndAck(storage: String, items: Int, workers: Int, batch: Int, oneWorker: Bool) async throws -> Rate {
        let queue = try SQLiteTransferQueue(folder: root.appendingPathComponent("queue-\(storage)"))
        let rate = try await QueueSide.claimAndAck(queue, items: items, workers: workers, batch: batch, oneWorker: oneWorker)
        try await queue.close()
        return rate
    }

    func rawClaimAndDelete(storage: String, items: Int, workers: Int, batch: Int) async throws -> [ReferenceRate] {
        [ReferenceRate(rate: try await ReferenceSide.claimAndDelete(
            path: rawPath(storage), items: items, workers: workers, batch: batch))]
    }

    func removeStorage() async throws {
        try FileManager.default.removeItem(at: root)
    }

    private func rawPath(_ storage: String) -> String {
        root.appendingPathComponent("raw-\(storage).sqlite").path
    }
}
