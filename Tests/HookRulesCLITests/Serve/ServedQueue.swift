import Foundation
import GRDB
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

    /// Every queued request, read through the queue's API.
    func requests() async throws -> [QueuedRequest] {
        try await entries().map(QueuedRequest.init)
    }

    /// Every queued request, read with plain SQL from the tables the backends share: what the crash test compares
    /// after each of its kills. The queue's API decodes whole rows, and a debug build's PostgreSQL client takes most
    /// of a second for a few thousand of them, a hundred times over.
    func requestsBySQL() throws -> [QueuedRequest] {
        let columns = "external_id, subscription, scope, coalesced, hook_id"
        switch kind {
        case .sqlite:
            guard exists else { return [] }
            let database = try DatabaseQueue(path: location + "/" + SQLiteTransferQueue.fileName)
            defer { try? database.close() }
            return try database.read { db in
                guard try db.tableExists("queue_item") else { return [] }
                return try Row.fetchAll(db, sql: "SELECT \(columns) FROM queue_item").map {
                    QueuedRequest(externalId: $0[0], subscription: $0[1], scope: $0[2], coalesced: $0[3], hookId: $0[4])
                }
            }
        case .postgres:
            let schema = URLComponents(string: location)?.queryItems?.first { $0.name == "schema" }?.value ?? "public"
            let table = "\(schema).queue_item"
            guard try psql("SELECT to_regclass('\(table)') IS NOT NULL") == ["t"] else { return [] }
            return try psql("SELECT \(columns) FROM \(table)").map { line in
                let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard fields.count == 5, let coalesced = Int(fields[3]) else { throw ServeProcessError("psql row \(line)") }
                return QueuedRequest(
                    externalId: fields[0], subscription: fields[1], scope: fields[2], coalesced: coalesced,
                    hookId: fields[4].isEmpty ? nil : fields[4])
            }
        }
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

    /// One statement through `psql` on the test server; the rows, columns joined by `|` (ids, scopes and hook ids
    /// never contain one).
    private func psql(_ sql: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [
            ProcessInfo.processInfo.environment["HOOKRULES_TEST_POSTGRES_URL"] ?? "", "-X", "-q", "-t", "-A", "-v",
            "ON_ERROR_STOP=1", "-c", sql,
        ]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let rows = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServeProcessError("psql: \(String(decoding: problem, as: UTF8.self))")
        }
        return String(decoding: rows, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Closes the test's connection and drops the PostgreSQL schema (the SQLite file goes with the test's folder).
    func remove() async throws {
        try await opened?.close()
        opened = nil
        try storage.remove()
    }
}

/// A queued request as the checks compare it: its record, what it was queued as and by which hook, and how many
/// more times it was committed since (merged into this row).
struct QueuedRequest: Sendable, Hashable {
    let externalId: String
    let subscription: String
    let scope: String
    let coalesced: Int
    let hookId: String?
}

extension QueuedRequest {
    init(_ entry: QueueEntry) {
        self.init(
            externalId: entry.request.externalId, subscription: entry.request.subscription,
            scope: entry.request.scope.description, coalesced: entry.coalesced, hookId: entry.request.hookId)
    }
}
