import HookQueue
import PostgresNIO

/// Brings a database (or the configured schema in it) to ``QueueSchema``'s latest version.
///
/// Every queue handle migrates when it opens, and several hosts may start at once on a fresh database: the whole
/// migration is one transaction that first takes a transaction-scoped advisory lock, so the handles run one after
/// the other, the first applies the migrations, and the others find them applied. A failed migration rolls back
/// whole and releases the lock.
enum SchemaMigrator {
    /// The applied versions, one row each.
    static let versionTable = "hookrules_schema_version"

    /// Migrates on `connection`. `schema` (nil for the search path's default) is created when missing; `now` is the
    /// queue clock's time, recorded with each version applied.
    static func migrate(_ connection: PostgresConnection, schema: String?, now: Int64) async throws {
        try await Transaction.run(on: connection) {
            // One lock per schema: queues in different schemas of one database migrate independently.
            try await connection.run("SELECT pg_advisory_xact_lock(hashtext('hookrules_queue'), hashtext(\(schema ?? "")))")
            if let schema {
                try await connection.run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
            }
            try await connection.run(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(versionTable) (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)
                """))
            let current = try await connection.rows(
                PostgresQuery(unsafeSQL: "SELECT coalesce(max(version), 0) FROM \(versionTable)")
            ) { try $0.decode(Int.self) }.first ?? 0

            let latest = QueueSchema.migrations.last?.version ?? 0
            guard current <= latest else {
                throw PostgresQueueError(
                    message: "the queue schema is at version \(current), newer than this build knows (\(latest)): update the program")
            }
            for migration in QueueSchema.migrations where migration.version > current {
                for statement in migration.statements {
                    try await connection.run(PostgresQuery(unsafeSQL: statement))
                }
                try await connection.run(
                    "INSERT INTO hookrules_schema_version (version, name, applied_at) VALUES (\(migration.version), \(migration.name), \(now))"
                )
            }
        }
    }
}
