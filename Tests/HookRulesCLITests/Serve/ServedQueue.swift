import Foundation
import HookQueue
import HookQueueLocation
import HookQueueSQLite

/// The queue database a test's `serve` processes write: a SQLite file in the test's folder, or a schema of its own on
/// the test PostgreSQL server (``CrashedQueue`` makes both, checks their integrity and drops the schema), read back
/// through the queue's own API. The test opens it once, when a server has created it, and keeps it open while
/// servers come and go; ``remove()`` closes it.
final class ServedQueue {
    let storage: CrashedQueue
    /// The folder the SQLite file is in: removed when its last holder goes, so it lives as long as this queue.
    private let folder: TemporaryFolder
    private var opened: (any TransferQueue & HookIntakeStore)?

    init(_ kind: CrashedQueue.Kind, folder: TemporaryFolder) throws {
        storage = try CrashedQueue(kind, folder: folder)
        self.folder = folder
    }

    /// The `--queue` argument.
    var location: String { storage.location }
    var kind: CrashedQueue.Kind { storage.kind }

    /// Whether a server has created the database yet (opening it before would create it).
    var exists: Bool {
        storage.kind == .postgres || FileManager.default.fileExists(atPath: location + "/" + SQLiteTransferQueue.fileName)
    }

    private func queue() async throws -> any TransferQueue & HookIntakeStore {
        if let opened { return opened }
        let queue = try await QueueLocation(location).open()
        opened = queue
        return queue
    }

    /// Every queued request, whatever its state.
    func entries() async throws -> [QueueEntry] {
        guard exists else { return [] }
        return try await queue().list(state: nil, limit: 10_000_000)
    }

    func kept(_ disposition: KeptHook.Disposition) async throws -> [KeptHook] {
        try await queue().keptHooks(disposition, limit: 1_000)
    }

    /// `hookrules hooks failed|rejected --format jsonl` on this queue: one object per kept hook.
    func listedByCLI(_ disposition: KeptHook.Disposition) throws -> [[String: Any]] {
        let output = try CommandRunner.run(["hooks", disposition.rawValue, "--format", "jsonl", "--queue", location])
        guard output.status == 0 else { throw ServeProcessError("hooks \(disposition.rawValue): \(output.stderr)") }
        return output.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func integrityProblems() throws -> [String] { try storage.integrityProblems() }

    /// Closes the test's connection and drops the PostgreSQL schema (the SQLite file goes with the test's folder).
    func remove() async throws {
        try await opened?.close()
        opened = nil
        try storage.remove()
    }
}
