import Foundation
import GRDB
import HookQueueSQLite
import Testing

/// The queue a crash test kills its processes over, and the checks it makes on what they left behind: the import's
/// checkpoint, the requests left, and the database's own integrity check.
struct CrashedQueue {
    enum Kind: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    let kind: Kind
    /// The `--queue` argument.
    let location: String
    private let postgresSchema: String?

    /// A fresh queue: a file in `folder`, or a schema of its own on the test PostgreSQL server
    /// (`HOOKRULES_TEST_POSTGRES_URL`; without it the PostgreSQL case fails in CI and is skipped elsewhere).
    init(_ kind: Kind, folder: TemporaryFolder) throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            location = folder.path("queue")
            postgresSchema = nil
        case .postgres:
            let environment = ProcessInfo.processInfo.environment
            guard let server = environment["HOOKRULES_TEST_POSTGRES_URL"], !server.isEmpty else {
                let message: Comment = "HOOKRULES_TEST_POSTGRES_URL is not set: run scripts/test.sh"
                if environment["CI"] == "true" { throw ToolRunner.ToolError(message: "\(message)") }
                Issue.record(message, severity: .warning)
                try Test.cancel(message)
            }
            let schema = "crash_" + UUID().uuidString.lowercased().filter { $0 != "-" }
            location = server + (server.contains("?") ? "&" : "?") + "schema=\(schema)"
            postgresSchema = schema
        }
    }

    /// Rows done by the import's checkpoint (0 before there is a queue or a checkpoint).
    func checkpointRows() throws -> Int {
        switch kind {
        case .sqlite:
            guard FileManager.default.fileExists(atPath: sqlitePath) else { return 0 }
            return try withSQLite { db in
                guard try db.tableExists("import_checkpoint") else { return 0 }
                return try Int.fetchOne(db, sql: "SELECT max(rows_done) FROM import_checkpoint") ?? 0
            }
        case .postgres:
            let exists = try psql("SELECT to_regclass('\(postgresSchema!).import_checkpoint') IS NOT NULL")
            guard exists == ["t"] else { return 0 }
            return Int(try psql("SELECT coalesce(max(rows_done), 0) FROM \(postgresSchema!).import_checkpoint").first ?? "") ?? -1
        }
    }

    func requestsLeft() throws -> Int {
        switch kind {
        case .sqlite: try withSQLite { try Int.fetchOne($0, sql: "SELECT count(*) FROM queue_item") ?? -1 }
        case .postgres: Int(try psql("SELECT count(*) FROM \(postgresSchema!).queue_item").first ?? "") ?? -1
        }
    }

    /// What the database's own check reports: SQLite's `PRAGMA integrity_check`; on PostgreSQL, amcheck's
    /// `bt_index_check` (with every heap tuple looked up) over the queue's indexes. Empty when all is well.
    func integrityProblems() throws -> [String] {
        switch kind {
        case .sqlite:
            return try withSQLite { try String.fetchAll($0, sql: "PRAGMA integrity_check") }.filter { $0 != "ok" }
        case .postgres:
            _ = try psql("CREATE EXTENSION IF NOT EXISTS amcheck")
            // amcheck raises an error on the first corrupt index (psql then fails and this throws); it returns void.
            let checked = try psql("""
                SELECT count(bt_index_check(c.oid, true)::text) FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_am a ON a.oid = c.relam WHERE n.nspname = '\(postgresSchema!)' AND a.amname = 'btree'
                """)
            return (Int(checked.first ?? "") ?? 0) >= 6 ? [] : ["only \(checked) btree index(es) checked"]
        }
    }

    /// Drops the PostgreSQL schema (the SQLite file goes with the test's folder).
    func remove() throws {
        if let postgresSchema { _ = try psql("DROP SCHEMA \(postgresSchema) CASCADE") }
    }

    private var sqlitePath: String { location + "/" + SQLiteTransferQueue.fileName }

    private func withSQLite<T>(_ body: (Database) throws -> T) throws -> T {
        let database = try DatabaseQueue(path: sqlitePath)
        defer { try? database.close() }
        return try database.read(body)
    }

    /// One statement on the server of `HOOKRULES_TEST_POSTGRES_URL`.
    private func psql(_ sql: String) throws -> [String] {
        try ToolRunner.psql(ProcessInfo.processInfo.environment["HOOKRULES_TEST_POSTGRES_URL"] ?? "", sql)
    }
}
