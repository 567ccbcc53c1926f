import Foundation
import HookQueue
import HookQueueSQLite

extension QueueBackend {
    static let sqlite = QueueBackend(name: "SQLite") { try SQLiteStore() }
}

/// A real SQLite queue file in a temporary folder of its own.
struct SQLiteStore: QueueStore {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("hookqueue-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func open(clock: any QueueClock, policy: RetryPolicy) async throws -> any TransferQueue {
        try SQLiteTransferQueue(folder: folder, clock: clock, policy: policy)
    }

    func remove() async throws {
        try FileManager.default.removeItem(at: folder)
    }
}
