import HookQueuePostgres
import Logging
import PostgresNIO

/// The plain-SQL reference on PostgreSQL, through postgres-nio with nothing on top: a table with the same request
/// columns and only a primary key in a schema of its own, one multi-row `INSERT` per batch (a statement commits on
/// its own), and a claim/delete loop of one statement per batch, with no coalescing, priority, leases, fencing or
/// retries.
struct RawPostgres {
    let schema: String

    func createTable(on connection: PostgresConnection) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: Self.logger)
        try await connection.query(PostgresQuery(unsafeSQL: """
            CREATE TABLE \(schema).job (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, subscription text NOT NULL,
                integration text NOT NULL, scope text NOT NULL, direction text NOT NULL, external_id text NOT NULL,
                hook_id text)
            """), logger: Self.logger)
    }

    /// Inserts the requests numbered `first..<first + count` in one statement.
    func insert(first: Int, count: Int, _ shape: BenchmarkRequests.Shape, on connection: PostgresConnection) async throws {
        var bindings = PostgresBindings(capacity: count * 6)
        var values: [String] = []
        for n in first..<first + count {
            let request = BenchmarkRequests.request(n, shape)
            let base = values.count * 6
            values.append("($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4), $\(base + 5), $\(base + 6))")
            bindings.append(request.subscription)
            bindings.append(request.integration)
            bindings.append(request.scope.description)
            bindings.append(request.direction.rawValue)
            bindings.append(request.externalId)
            bindings.append(request.hookId)
        }
        let sql = """
            INSERT INTO \(schema).job (subscription, integration, scope, direction, external_id, hook_id)
            VALUES \(values.joined(separator: ", "))
            """
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: Self.logger)
    }

    /// Deletes batches of `batch` rows, returning and decoding them as a worker would, until the table is empty;
    /// returns how many it took. One statement per batch: `FOR UPDATE SKIP LOCKED` keeps workers apart.
    func drain(batch: Int, on connection: PostgresConnection) async throws -> Int {
        let sql = """
            DELETE FROM \(schema).job WHERE id IN (
                SELECT id FROM \(schema).job ORDER BY id LIMIT \(batch) FOR UPDATE SKIP LOCKED)
            RETURNING id, subscription, integration, scope, direction, external_id, hook_id
            """
        var taken = 0
        while true {
            var rows = 0
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger) {
                _ = try row.decode((Int64, String, String, String, String, String, String?).self)
                rows += 1
            }
            if rows == 0 { return taken }
            taken += rows
        }
    }

    static let logger = Logger(label: "hookrules.queue-bench", factory: { _ in SwiftLogNoOpLogHandler() })
}
